package io.procpool.cli;

import io.procpool.PoolControl.NotRunningException;
import io.procpool.PoolControl.RefusedException;
import io.procpool.internal.ExitCode;
import io.procpool.internal.LogSetup;
import io.procpool.internal.config.ConfigException;
import io.procpool.internal.manager.RunDirectory.AlreadyRunningException;
import io.procpool.internal.queue.QueueStoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pool} command line: parses arguments and maps failures to exit codes and one clear line. */
@Command(
        name = "pool",
        mixinStandardHelpOptions = true,
        // every subcommand inherits --help and --version: `pool start --help` works like `pool --help`
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Version.class,
        description = "Keeps a pool of worker processes alive and feeds them messages.",
        subcommands = {
            StartCommand.class,
            StopCommand.class,
            ReloadCommand.class,
            ScaleCommand.class,
            StatusCommand.class,
            TopCommand.class,
            LogsCommand.class,
            PushCommand.class,
            QueueCommand.class,
            InitCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PoolCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        LogSetup.apply();
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PoolCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String prefix = "pool " + cmd.getCommandName() + ": ";
            if (e instanceof ConfigException) {
                cmd.getErr().println(prefix + "invalid configuration: " + e.getMessage());
                return ExitCode.CONFIG_INVALID;
            }
            if (e instanceof NotRunningException) {
                cmd.getErr().println(prefix + e.getMessage());
                return ExitCode.NOT_RUNNING;
            }
            if (e instanceof RefusedException) {
                cmd.getErr().println(prefix + e.getMessage());
                return ExitCode.FAILED;
            }
            if (e instanceof QueueStoreException) {
                cmd.getErr().println(prefix + e.getMessage());
                return ExitCode.QUEUE_UNAVAILABLE;
            }
            if (e instanceof AlreadyRunningException) {
                cmd.getErr().println(prefix + e.getMessage());
                return ExitCode.ALREADY_RUNNING;
            }
            cmd.getErr().println(prefix + e);
            e.printStackTrace(cmd.getErr());
            return ExitCode.FAILED;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
