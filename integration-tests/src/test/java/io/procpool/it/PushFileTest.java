package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.CountingConsumer;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 6 of the built-in queue issue: pool push --file with 1,000,000 lines, with progress on a terminal. */
@Timeout(300)
class PushFileTest {

    @TempDir
    Path dir;

    @Test
    void aMillionLinesArePushedWithAProgressBarOnATerminalAndAllConsumed() throws Exception {
        int n = 1_000_000;
        Files.createDirectories(dir);
        Path lines = dir.resolve("lines.txt");
        try (BufferedWriter w = Files.newBufferedWriter(lines)) {
            for (int i = 0; i < n; i++) {
                w.write("line-");
                w.write(Integer.toString(i));
                w.newLine();
            }
        }
        try (PoolProcess pool = PoolProcess.start(
                dir, Pools.yaml(CountingConsumer.class.getName(), 2, dir, "source: {type: queue, prefetch: 1024}"))) {
            pool.awaitReady(2, Duration.ofSeconds(60));
            // script(1) gives the CLI a pseudo-terminal, as a person at a shell would have.
            List<String> push = PoolProcess.javaCommand(
                    "push",
                    "--file",
                    lines.toString(),
                    "--run-dir",
                    pool.runDir().toString());
            Files.writeString(dir.resolve("push.sh"), String.join(" ", push) + "\n");
            PoolProcess.CliResult r =
                    PoolProcess.run(List.of("script", "-qfec", "sh " + dir.resolve("push.sh"), "/dev/null"), dir);
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output())
                    .contains("1000000/1000000 lines 100%")
                    .contains("msg/s")
                    .contains("[#####")
                    .contains("pushed 1000000 message(s) to queue default");
            pool.awaitStatus("a million acked", s -> s.queue().acked() == n, Duration.ofMinutes(3));
        }
    }
}
