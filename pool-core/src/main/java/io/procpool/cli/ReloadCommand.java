package io.procpool.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pool reload}: rolling restart of every worker (SIGUSR1's twin); {@code --config}
 * rereads the configuration file first (SIGHUP's twin). Here {@code --config} is that switch,
 * as the signal table names it, so the file is given with {@code -c} only.
 */
@Command(name = "reload", description = "Rolling restart: each new worker is ready before its predecessor stops.")
final class ReloadCommand implements Callable<Integer> {

    @Option(names = "-c", paramLabel = "FILE", description = "Configuration file (default: $POOL_CONFIG, else ./pool.yaml).")
    Path config;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory of the pool.")
    Path runDir;

    @Option(names = "--config", description = "Reread the configuration file and apply it (like SIGHUP).")
    boolean rereadConfig;

    @Override
    public Integer call() throws Exception {
        PoolOptions options = new PoolOptions();
        options.config = config;
        options.runDir = runDir;
        return ControlCall.run("reload", options.runDir(), Map.of("command", "reload", "config", rereadConfig));
    }
}
