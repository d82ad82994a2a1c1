package io.procpool.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pool scale N}: sets the number of workers (SIGTTIN / SIGTTOU change it by one). */
@Command(name = "scale", description = "Set the number of worker processes.")
final class ScaleCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Parameters(paramLabel = "N", description = "The new number of workers.")
    int workers;

    @Override
    public Integer call() throws Exception {
        return ControlCall.run("scale", options.runDir(), Map.of("command", "scale", "workers", workers));
    }
}
