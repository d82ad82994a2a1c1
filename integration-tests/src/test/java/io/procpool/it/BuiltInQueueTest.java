package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.QueueClient;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import io.procpool.testkit.RecordedOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 2-5 of the built-in queue issue: manager crash, poison messages, delays, a full queue. */
@Timeout(180)
class BuiltInQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path records() {
        return dir.resolve("records");
    }

    private int tries() {
        try {
            return RecordedOutput.lines(records(), "tries-").size();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String bodyOf(String processedLine) {
        return processedLine.substring(processedLine.lastIndexOf(' ') + 1);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "durability {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"process", "power"})
    void aManagerKilledMidRunLosesNoMessageAfterItIsStartedAgain(String durability) throws Exception {
        int n = 3000;
        Files.createDirectories(dir);
        Files.write(
                dir.resolve("messages.txt"),
                IntStream.range(0, n).mapToObj(i -> "m" + i).toList());
        String yaml =
                Pools.recording(dir, 2, "app.sleep_ms: 2", "source: {type: queue, durability: " + durability + "}");
        try (PoolProcess first = PoolProcess.start(dir, yaml)) {
            first.awaitReady(2, WAIT);
            CliResult push =
                    first.cli("push", "--file", dir.resolve("messages.txt").toString());
            assertThat(push.exitCode()).as(push.output()).isZero();
            first.awaitStatus("some messages acked", s -> s.queue().acked() > 300, WAIT);
            first.process().destroyForcibly();
            first.awaitExit(Duration.ofSeconds(10));
        }
        try (PoolProcess second = PoolProcess.start(dir, yaml)) {
            second.awaitReady(2, WAIT);
            second.awaitStatus(
                    "the queue drained",
                    s -> s.queue().depth() == 0
                            && s.queue().inFlight() == 0
                            && s.queue().delayed() == 0,
                    WAIT);
            List<String> bodies = RecordedOutput.processedLines(records()).stream()
                    .map(BuiltInQueueTest::bodyOf)
                    .toList();
            assertThat(bodies.stream().distinct().count())
                    .as("distinct messages processed")
                    .isEqualTo(n);
            System.out.printf("manager kill: %d messages, %d processed twice%n", n, bodies.size() - n);
            assertThat(second.log()).contains("message(s) waiting");
        }
    }

    @Test
    void withDurabilityNoneMessagesSurviveAWorkerButNotTheManagerAndNothingIsWritten() throws Exception {
        String yaml =
                Pools.recording(dir, 1, "app.sleep_ms: 300", "source: {type: queue, durability: none, prefetch: 2}");
        try (PoolProcess first = PoolProcess.start(dir, yaml)) {
            long worker = first.awaitReady(1, WAIT).readyPids().get(0);
            first.push(IntStream.range(0, 10).mapToObj(i -> "n" + i).toList());
            first.awaitInFlight(1, WAIT);
            ProcessHandle.of(worker).orElseThrow().destroyForcibly();
            first.awaitStatus("a new worker takes them", s -> s.queue().acked() >= 3, WAIT);
            first.process().destroyForcibly();
            first.awaitExit(Duration.ofSeconds(10));
        }
        List<String> before = RecordedOutput.processedLines(records());
        assertThat(dir.resolve("data/queue.db"))
                .as("durability none writes no database")
                .doesNotExist();
        try (PoolProcess second = PoolProcess.start(dir, yaml)) {
            var s = second.awaitReady(1, WAIT);
            assertThat(s.queue().depth() + s.queue().inFlight())
                    .as("what the killed manager held is gone")
                    .isZero();
            assertThat(RecordedOutput.processedLines(records())).isEqualTo(before);
        }
    }

    @Test
    void aPoisonMessageIsRetriedThenDeadLetteredWhileTheOthersFlowAndRequeueDeadBringsItBack() throws Exception {
        String yaml = Pools.recording(
                dir,
                2,
                "retry: {max_tries: 2, backoff: 50ms, jitter: 0}",
                "max_deliveries: 2",
                "source: {type: queue, redelivery_delay: 200ms}");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(2, WAIT);
            pool.push(List.of("poison-1"));
            pool.push(IntStream.range(0, 20).mapToObj(i -> "ok-" + i).toList());
            pool.awaitStatus(
                    "20 acked and 1 dead",
                    s -> s.queue().acked() == 20 && s.queue().dead() == 1,
                    WAIT);
            List<String> tries = RecordedOutput.lines(records(), "tries-");
            assertThat(tries).as("2 deliveries of 2 tries each").hasSize(4);
            assertThat(tries.stream().map(t -> t.split(" ")[0]).distinct())
                    .as("message.id() of every delivery")
                    .hasSize(1);

            CliResult peek = pool.cli("queue", "peek", "--dead");
            assertThat(peek.exitCode()).as(peek.output()).isZero();
            assertThat(peek.output())
                    .contains("poison-1")
                    .contains("IllegalStateException: cannot process poison-1")
                    .contains("\"failures\" : 2");

            CliResult requeue = pool.cli("queue", "requeue-dead");
            assertThat(requeue.output()).contains("1 dead letter(s) requeued");
            pool.awaitStatus(
                    "the poison message back and dead again", s -> s.queue().dead() == 1 && tries() == 8, WAIT);
            assertThat(pool.log()).contains("was dead-lettered after 2 failed deliveries");
        }
    }

    @Test
    void onlyTheMessageThatCrashesItsWorkerIsDeadLetteredNotTheOnesFetchedWithIt() throws Exception {
        String yaml = Pools.recording(dir, 1, "max_deliveries: 2", "min_uptime: 0");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(1, WAIT);
            List<String> batch = new ArrayList<>();
            IntStream.range(0, 30).forEach(i -> batch.add("before-" + i));
            batch.add("crash-1");
            IntStream.range(0, 30).forEach(i -> batch.add("after-" + i));
            pool.push(batch);
            pool.awaitStatus(
                    "60 acked and 1 dead",
                    s -> s.queue().acked() == 60 && s.queue().dead() == 1,
                    WAIT);
            assertThat(RecordedOutput.processedLines(records()).stream()
                            .map(BuiltInQueueTest::bodyOf)
                            .distinct())
                    .hasSize(60)
                    .doesNotContain("crash-1");
            String dead = pool.cli("queue", "peek", "--dead").output();
            assertThat(dead)
                    .contains("crash-1")
                    .contains("exit code 42")
                    .doesNotContain("before-")
                    .doesNotContain("after-");
            assertThat(pool.log()).contains("was dead-lettered after 2 failed deliveries");
        }
    }

    @Test
    void aDelayedMessageIsNotDeliveredBeforeItsTime() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            pool.awaitReady(1, WAIT);
            long before = System.currentTimeMillis();
            CliResult push = pool.cli("push", "--delay", "3s", "late");
            assertThat(push.exitCode()).as(push.output()).isZero();
            pool.push(List.of("now"));
            pool.awaitStatus("both processed", s -> s.queue().acked() == 2, WAIT);
            List<String> lines = RecordedOutput.processedLines(records());
            String late = lines.stream()
                    .filter(l -> bodyOf(l).equals("late"))
                    .findFirst()
                    .orElseThrow();
            long processedAt = Long.parseLong(late.split(" ")[4]);
            assertThat(processedAt - before).as("ms from push to processing").isGreaterThanOrEqualTo(3000);
            assertThat(bodyOf(lines.get(0))).isEqualTo("now");
        }
    }

    @Test
    void aFullQueueHoldsTheProducerBackThenRefusesAndDropsNothing() throws Exception {
        // 30 s a message: no room is made while the producer is held back, however slow the machine
        String yaml = Pools.recording(
                dir, 1, "app.sleep_ms: 30000", "source: {type: queue, max_length: 5, push_timeout: 1s, prefetch: 1}");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(1, WAIT);
            pool.push(IntStream.range(0, 5).mapToObj(i -> "fill-" + i).toList());
            long start = System.nanoTime();
            CliResult refused = pool.cli("push", "one-too-many");
            long heldMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.output())
                    .contains("is full")
                    .contains("max_length 5")
                    .contains("nothing was added");
            assertThat(heldMs)
                    .as("the producer was held back before being told")
                    .isGreaterThanOrEqualTo(1000);
            var s = pool.status();
            assertThat(s.queue().depth() + s.queue().inFlight()).isEqualTo(5);
            assertThat(s.queue().pushed()).isEqualTo(5);
        }
    }

    @Test
    void aJavaQueueClientPipelinesBatchesThatAreConfirmedAfterCommit() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 2, "source: {type: queue, max_message_bytes: 1KiB}"))) {
            pool.awaitReady(2, WAIT);
            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                List<CompletableFuture<List<String>>> batches = new ArrayList<>();
                for (int b = 0; b < 10; b++) {
                    int from = b * 100;
                    batches.add(client.pushAsync(
                            "default",
                            IntStream.range(from, from + 100)
                                    .mapToObj(i -> ("c" + i).getBytes(StandardCharsets.UTF_8))
                                    .toList(),
                            Duration.ZERO));
                }
                Set<String> ids = new HashSet<>();
                for (var f : batches) {
                    ids.addAll(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(ids).hasSize(1000);
                assertThatThrownBy(() -> client.push("default", List.of(new byte[2048])))
                        .isInstanceOf(QueueClient.RefusedException.class)
                        .hasMessageContaining("max_message_bytes");
                assertThatThrownBy(() -> client.push("elsewhere", List.of(new byte[1])))
                        .isInstanceOf(QueueClient.RefusedException.class)
                        .hasMessageContaining("serves queue \"default\"");
            }
            pool.awaitStatus("1000 acked", s -> s.queue().acked() == 1000, WAIT);
        }
    }

    @Test
    void aMessageOverMaxMessageBytesIsRefusedAtTheProducer() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "source: {type: queue, max_message_bytes: 16B}"))) {
            pool.awaitReady(1, WAIT);
            CliResult r = pool.cli("push", "this message is longer than sixteen bytes");
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.output()).contains("over source.max_message_bytes (16)");
            assertThat(pool.status().queue().pushed()).isZero();
        }
    }
}
