package io.procpool.cli;

import io.procpool.PoolControl;
import io.procpool.internal.ExitCode;
import io.procpool.internal.LineTaggingStream;
import io.procpool.internal.LogFile;
import io.procpool.internal.LogSetup;
import io.procpool.internal.PrivateFiles;
import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.PoolLayout;
import io.procpool.internal.config.Units;
import io.procpool.internal.manager.Manager;
import io.procpool.internal.manager.WorkerEntry;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pool start}: runs a manager in the foreground, or detached with {@code --daemon}. */
@Command(name = "start", description = "Start a pool (in the foreground unless --daemon).")
final class StartCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Option(names = "--workers", paramLabel = "N", description = "Number of worker processes.")
    String workers;

    @Option(names = "--consumer", paramLabel = "CLASS", description = "Class implementing io.procpool.Consumer.")
    String consumer;

    @Option(names = "--classpath", paramLabel = "PATHS", description = "Your classes and jars, ':'-separated.")
    String classpath;

    @Option(names = "--concurrency", paramLabel = "K", description = "Messages at once per worker.")
    String concurrency;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g. --set max_wait_time=30s.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--daemon", description = "Detach, log to <run_dir>/pool.log, return once the workers are ready.")
    boolean daemon;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = flags();
        Path configFile = options.configFile();
        PoolLayout layout = ConfigLoader.loadLayout(configFile, System.getenv(), flags);
        if (daemon) {
            return startDetached(layout);
        }
        PoolConfig first = layout.first();
        LogSetup.use(first.log(), first.baseDir());
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (first.log().file() != null) {
            out = LogFile.open(first.log()); // the manager's lines and its workers', both streams, one file
            err = out;
        }
        System.setOut(LineTaggingStream.printStream(out, "[manager] ", false));
        System.setErr(LineTaggingStream.printStream(err, "[manager] ", true));
        Manager manager = new Manager(
                layout,
                () -> ConfigLoader.loadLayout(configFile, System.getenv(), flags),
                List.of(),
                out,
                err,
                WorkerEntry.workerMain());
        return manager.run(true);
    }

    private Map<String, Object> flags() {
        Map<String, Object> flags = new LinkedHashMap<>();
        settings.forEach((k, v) -> flags.put(k, ConfigLoader.textValue(k, v)));
        if (workers != null) {
            flags.put("workers", workers);
        }
        if (consumer != null) {
            flags.put("consumer", consumer);
        }
        if (classpath != null) {
            flags.put(
                    "classpath",
                    Arrays.stream(classpath.split(File.pathSeparator))
                            .filter(s -> !s.isEmpty())
                            .toList());
        }
        if (concurrency != null) {
            flags.put("concurrency", concurrency);
        }
        if (options.runDir != null) {
            flags.put("run_dir", options.runDir.toAbsolutePath().toString());
        }
        return flags;
    }

    /** Re-runs this command without {@code --daemon} as a detached process and waits until its workers are ready. */
    private int startDetached(PoolLayout layout) throws IOException, InterruptedException {
        PoolConfig config = layout.first();
        int workers = layout.groups().stream().mapToInt(PoolConfig::workers).sum();
        PrivateFiles.directory(config.runDir());
        // With log_file the pool writes (and rotates) that file itself; what its JVM prints before it
        // opened it goes to run_dir/pool.out. Without, everything goes to run_dir/pool.log as it is.
        Path logFile = config.log().file() != null
                ? config.log().file()
                : PrivateFiles.file(config.runDir().resolve("pool.log"));
        Path childOutput =
                config.log().file() != null ? PrivateFiles.file(config.runDir().resolve("pool.out")) : logFile;
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid"); // own session: the terminal's signals and hang-up no longer reach it
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PoolCli.class.getName());
        cmd.add("start");
        cmd.addAll(foregroundArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(childOutput.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process child = pb.start();
        long startup = layout.groups().stream()
                .mapToLong(g -> g.startupTimeout().toMillis())
                .max()
                .orElseThrow();
        long deadline = System.currentTimeMillis() + startup + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!child.isAlive()) {
                System.err.println("pool start: the pool exited with code " + child.exitValue() + "; see " + logFile);
                return child.exitValue() == 0 ? ExitCode.FAILED : child.exitValue();
            }
            if (readyWorkers(config) >= workers) {
                String pid = Files.readString(config.pidFile()).trim();
                System.out.println("pool started in the background: manager pid " + pid + ", " + workers
                        + " worker(s) ready, log " + logFile);
                return ExitCode.OK;
            }
            Thread.sleep(100);
        }
        System.err.println("pool start: the workers were not ready within " + Units.format(Duration.ofMillis(startup))
                + "; the pool keeps trying, see " + logFile);
        return ExitCode.FAILED;
    }

    /** This command's options for the detached child, minus {@code --daemon}, with paths made absolute. */
    private List<String> foregroundArgs() {
        List<String> args = new ArrayList<>();
        Path configFile = options.configFile();
        if (configFile != null) {
            args.add("--config=" + configFile.toAbsolutePath());
        }
        if (options.runDir != null) {
            args.add("--run-dir=" + options.runDir.toAbsolutePath());
        }
        if (workers != null) {
            args.add("--workers=" + workers);
        }
        if (consumer != null) {
            args.add("--consumer=" + consumer);
        }
        if (classpath != null) {
            args.add("--classpath=" + classpath);
        }
        if (concurrency != null) {
            args.add("--concurrency=" + concurrency);
        }
        settings.forEach((k, v) -> args.add("--set=" + k + "=" + v));
        return args;
    }

    private static int readyWorkers(PoolConfig config) {
        try {
            return PoolControl.of(config.runDir()).status().pool().workersReady();
        } catch (IOException e) {
            return 0;
        }
    }
}
