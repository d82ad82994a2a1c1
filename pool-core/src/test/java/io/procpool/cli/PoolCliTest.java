package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code --help} and {@code --version} work on {@code pool} and on every subcommand, the version from the build. */
class PoolCliTest {

    private record Run(int code, String out) {}

    private static Run run(String... args) {
        CommandLine cli = PoolCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args);
        return new Run(code, out.toString());
    }

    @ParameterizedTest(name = "pool {0} --help")
    @ValueSource(
            strings = {
                "start",
                "stop",
                "reload",
                "scale",
                "status",
                "push",
                "queue",
                "queue stats",
                "queue peek",
                "queue requeue-dead",
                "queue purge",
                "init"
            })
    void everySubcommandHasHelp(String command) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).startsWith("Usage: pool " + command).contains("-h, --help");
    }

    @ParameterizedTest(name = "pool {0}--version")
    @ValueSource(strings = {"", "start ", "status "})
    void theVersionIsTheBuilds(String command) {
        List<String> args = new java.util.ArrayList<>(List.of(command.trim().split(" ")));
        args.removeIf(String::isEmpty);
        args.add("--version");
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).isZero();
        assertThat(r.out().trim())
                .matches("procpool \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .+\\)")
                .startsWith("procpool " + Version.current());
        assertThat(Version.current()).doesNotContain("${");
    }
}
