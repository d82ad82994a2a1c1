package io.procpool.cli;

import io.procpool.internal.ExitCode;
import io.procpool.internal.config.Units;
import io.procpool.internal.manager.RunDirectory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pool stop}: graceful stop (SIGTERM's twin); waits until the manager has exited. */
@Command(name = "stop", description = "Stop the pool gracefully: in-flight messages finish, then workers exit.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "How long in-flight work may take before workers are killed (default: max_wait_time).")
    String timeout;

    @Option(names = "--no-wait", description = "Return once the stop has begun.")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "stop");
        Duration wait = Duration.ofMinutes(10);
        if (timeout != null) {
            try {
                wait = Units.parseDuration(timeout);
            } catch (IllegalArgumentException e) {
                System.err.println("pool stop: --timeout " + e.getMessage() + ", but was \"" + timeout + "\"");
                return ExitCode.CONFIG_INVALID;
            }
            request.put("timeout_ms", wait.toMillis());
        }
        String pid = RunDirectory.readPid(options.runDir());
        int code = ControlCall.run("stop", options.runDir(), request);
        if (code != ExitCode.OK || noWait || pid == null) {
            return code;
        }
        Optional<ProcessHandle> manager = ProcessHandle.of(Long.parseLong(pid));
        if (manager.isPresent()) {
            try {
                manager.get().onExit().get(wait.toMillis() + 15_000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                System.err.println("pool stop: the manager (pid " + pid + ") is still running");
                return ExitCode.FAILED;
            }
        }
        System.out.println("pool stopped");
        return ExitCode.OK;
    }
}
