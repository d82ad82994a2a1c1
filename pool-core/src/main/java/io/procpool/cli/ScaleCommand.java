package io.procpool.cli;

import io.procpool.internal.ExitCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pool scale [GROUP] N}: sets the number of workers of a pool, or of one of its groups (a pool
 * of groups needs the group named); SIGTTIN / SIGTTOU change the first group's by one. The CLI's thread.
 */
@Command(name = "scale", description = "Set the number of worker processes (of GROUP, in a pool of groups).")
final class ScaleCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Parameters(arity = "1..2", paramLabel = "[GROUP] N", description = "The group, then its new number of workers.")
    List<String> args;

    @Override
    public Integer call() throws Exception {
        String count = args.get(args.size() - 1);
        int workers;
        try {
            workers = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            System.err.println("pool scale: N must be a number of workers, but was \"" + count + "\"");
            return ExitCode.CONFIG_INVALID;
        }
        Map<String, Object> request = new LinkedHashMap<>(Map.of("command", "scale", "workers", workers));
        if (args.size() == 2) {
            request.put("group", args.get(0));
        }
        return ControlCall.run("scale", options.runDir(), request);
    }
}
