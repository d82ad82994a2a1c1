package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue commands of docs/operations.md, through the real CLI: {@code pool push} into a stopped pool, from
 * stdin and {@code --at} a time; {@code pool queue stats|peek|purge} on a running and a stopped pool;
 * {@code pool stop --timeout}; exit code 10 for a database that is not a procpool queue.
 */
@Timeout(180)
class QueueCliTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path config() {
        return dir.resolve("pool.yaml");
    }

    private static String bodyOf(String processedLine) {
        return processedLine.substring(processedLine.lastIndexOf(' ') + 1);
    }

    private List<String> processedBodies() throws Exception {
        return RecordedOutput.processedLines(dir.resolve("records")).stream()
                .map(QueueCliTest::bodyOf)
                .toList();
    }

    /** Runs the CLI with {@code -c pool.yaml} and {@code stdin} as its standard input. */
    private CliResult cli(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(PoolProcess.javaCommand(args));
        cmd.add("-c");
        cmd.add(config().toString());
        Path in = Files.writeString(Files.createTempFile(dir, "stdin", ".txt"), stdin);
        Path out = Files.createTempFile(dir, "cli", ".out");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("the CLI finished: " + cmd)
                .isTrue();
        return new CliResult(p.exitValue(), Files.readString(out));
    }

    @Test
    void messagesPushedIntoAStoppedPoolFromStdinWaitForItsStart() throws Exception {
        Files.writeString(config(), Pools.recording(dir, 1));
        CliResult push = cli("one\ntwo\nthree\n", "push", "-");
        assertThat(push.exitCode()).as(push.output()).isZero();
        assertThat(push.output())
                .contains("pushed 3 message(s) to queue default")
                .contains("the pool is not running");
        CliResult stats = cli("", "queue", "stats");
        assertThat(stats.exitCode()).as(stats.output()).isZero();
        assertThat(stats.output()).contains("\"running\" : false").contains("\"live\" : 3");
        CliResult peek = cli("", "queue", "peek", "-n", "2");
        assertThat(peek.output()).contains("one").contains("two").doesNotContain("three");

        try (PoolProcess pool = PoolProcess.start(dir, Files.readString(config()))) {
            pool.awaitReady(1, WAIT);
            pool.awaitStatus("the three acked", s -> s.queue().acked() == 3, WAIT);
            assertThat(processedBodies()).containsExactly("one", "two", "three");
        }
    }

    @Test
    void aMessagePushedAtATimeIsNotDeliveredBeforeIt() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            pool.awaitReady(1, WAIT);
            Instant at = Instant.now().plusSeconds(2);
            CliResult push = pool.cli("push", "--at", at.toString(), "later");
            assertThat(push.exitCode()).as(push.output()).isZero();
            assertThat(pool.status().queue().delayed()).isEqualTo(1);
            pool.awaitStatus("it acked", s -> s.queue().acked() == 1, WAIT);
            String line = RecordedOutput.processedLines(dir.resolve("records")).get(0);
            assertThat(Long.parseLong(line.split(" ")[4]))
                    .as("processed at, epoch ms")
                    .isGreaterThanOrEqualTo(at.toEpochMilli());
            CliResult both = pool.cli("push", "--at", at.toString(), "--delay", "1s", "x");
            assertThat(both.exitCode()).isEqualTo(2);
            assertThat(both.output()).contains("give --delay or --at, not both");
        }
    }

    @Test
    void queueStatsPeekAndPurgeOnARunningPool() throws Exception {
        try (PoolProcess pool = PoolProcess.start(
                dir, Pools.recording(dir, 1, "app.sleep_ms: 60000", "source: {type: queue, prefetch: 1}"))) {
            pool.awaitReady(1, WAIT);
            pool.push(IntStream.range(0, 5).mapToObj(i -> "w" + i).toList());
            pool.awaitInFlight(1, WAIT);
            CliResult stats = pool.cli("queue", "stats");
            assertThat(stats.output())
                    .contains("\"depth\" : 4")
                    .contains("\"in_flight\" : 1")
                    .contains("\"pushed\" : 5");
            CliResult peek = pool.cli("queue", "peek", "-n", "2");
            assertThat(peek.output())
                    .contains("w1")
                    .contains("w2")
                    .doesNotContain("w3")
                    .doesNotContain("w0");
            CliResult unconfirmed = pool.cli("queue", "purge");
            assertThat(unconfirmed.exitCode()).as("no terminal to ask on").isEqualTo(2);
            assertThat(unconfirmed.output()).contains("confirm with --yes");
            CliResult purge = pool.cli("queue", "purge", "--yes");
            assertThat(purge.output()).contains("4 message(s) purged");
            var s = pool.status();
            assertThat(s.queue().depth()).isZero();
            assertThat(s.queue().inFlight())
                    .as("the one in flight is not purged")
                    .isEqualTo(1);
        }
    }

    @Test
    void stopWithATimeoutKillsAStuckWorkerAtThatTimeoutNotAtMaxWaitTime() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "app.sleep_ms: 60000", "max_wait_time: 60s"))) {
            pool.awaitReady(1, WAIT);
            pool.push(List.of("stuck"));
            pool.awaitInFlight(1, WAIT);
            CliResult stop = pool.cli("stop", "--timeout", "1s");
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(pool.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(pool.log())
                    .contains("waiting up to 1s")
                    .contains("did not stop within its deadline; killing it");
        }
    }

    @Test
    void aDatabaseThatIsNotAProcpoolQueueIsRefusedWithExitCode10() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/queue.db"), "this is not a database, it is a note");
        Files.writeString(config(), Pools.recording(dir, 1));
        CliResult start = cli("", "start");
        assertThat(start.exitCode()).as(start.output()).isEqualTo(10);
        assertThat(start.output()).contains("queue.db");
        CliResult push = cli("", "push", "x");
        assertThat(push.exitCode()).as(push.output()).isEqualTo(10);
        assertThat(Files.readString(dir.resolve("data/queue.db")))
                .as("never written to")
                .isEqualTo("this is not a database, it is a note");
    }
}
