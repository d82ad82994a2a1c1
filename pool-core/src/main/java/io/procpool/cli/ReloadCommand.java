package io.procpool.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pool reload}: rolling restart of every worker (SIGUSR1's twin); {@code --reread} reads the
 * configuration file again first and applies it (SIGHUP's twin). {@code -c/--config} names the file,
 * as in every other command.
 */
@Command(name = "reload", description = "Rolling restart: each new worker is ready before its predecessor stops.")
final class ReloadCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Option(names = "--reread", description = "Reread the configuration file and apply it (like SIGHUP).")
    boolean reread;

    @Override
    public Integer call() throws Exception {
        return ControlCall.run("reload", options.runDir(), Map.of("command", "reload", "reread", reread));
    }
}
