package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.QueueClient;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.FailingStartConsumer;
import io.procpool.testkit.consumers.PingLoopConsumer;
import io.procpool.testkit.consumers.RecordingConsumer;
import io.procpool.testkit.consumers.TaskCallingConsumer;
import io.procpool.testkit.consumers.TaskReplyConsumer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task workers: a group with {@code source: {type: task}} runs the tasks other workers send with
 * {@code ctx.task}, and its consumer's reply completes the caller's future; a task whose task worker is
 * SIGKILLed runs again on another, a task group with no READY worker fails the task at once, and a
 * caller's timeout ends its wait. With two queue groups, the task group and a loop group in one pool.
 */
@Timeout(240)
class TaskWorkersTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** Each caller's results: body → what its task gave, from every caller process's file. */
    private Map<String, String> results(String group) throws Exception {
        Map<String, String> results = new LinkedHashMap<>();
        Path d = dir.resolve(group);
        if (!Files.isDirectory(d)) {
            return results;
        }
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("results-"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    int space = line.indexOf(' ');
                    results.put(line.substring(0, space), line.substring(space + 1));
                }
            }
        }
        return results;
    }

    private static List<byte[]> bodies(String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> (prefix + i).getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void fourGroupsEachMessageRunsInItsGroupAndEveryTaskIsAnsweredThoughATaskWorkerIsKilled() throws Exception {
        String yaml = """
                max_wait_time: 5s
                groups:
                  orders:
                    consumer: %s
                    workers: 2
                    concurrency: 8
                    source: {type: queue, queue: orders}
                    app: {record_dir: %s}
                  emails:
                    consumer: %s
                    workers: 1
                    source: {type: queue, queue: emails}
                    app: {record_dir: %s}
                  tasks:
                    consumer: %s
                    workers: 2
                    concurrency: 4
                    source: {type: task, prefetch: 16}
                    app: {sleep_ms: 2}
                  pinger:
                    consumer: %s
                    workers: 2
                    source: {type: none}
                    app: {record_dir: %s}
                """.formatted(
                        TaskCallingConsumer.class.getName(),
                        dir.resolve("orders"),
                        RecordingConsumer.class.getName(),
                        dir.resolve("emails"),
                        TaskReplyConsumer.class.getName(),
                        PingLoopConsumer.class.getName(),
                        dir.resolve("pinger"));
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            PoolStatus ready = pool.awaitReady(7, WAIT);
            assertThat(ready.group("tasks").orElseThrow().source()).isEqualTo("task");
            long victim = ready.workersOf("tasks").get(0).pid();

            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                client.push("orders", bodies("order-", 1_000));
                client.push("emails", bodies("email-", 30));
            }
            // Killed while it holds tasks: 2 ms each, 16 dealt to it at a time, 1,000 to go.
            pool.awaitStatus(
                    "the task workers busy", s -> s.group("tasks").orElseThrow().processed() >= 100, WAIT);
            new ProcessBuilder("kill", "-9", Long.toString(victim)).start().waitFor();

            PoolStatus done = pool.awaitStatus(
                    "every order answered by a task, every email consumed",
                    s -> s.group("orders").orElseThrow().processed() == 1_000
                            && s.group("emails").orElseThrow().processed() == 30,
                    WAIT);
            Map<String, String> results = results("orders");
            assertThat(results).hasSize(1_000);
            results.forEach((body, result) ->
                    assertThat(result).as("the task result of %s", body).isEqualTo("ok:done:" + body));

            PoolStatus.Group tasks = done.group("tasks").orElseThrow();
            assertThat(tasks.restarts())
                    .as("the killed task worker was replaced")
                    .isEqualTo(1);
            assertThat(((Number) tasks.sourceStats().get("tasks_redealt")).longValue())
                    .as("tasks the killed worker held ran again on another")
                    .isPositive();
            assertThat(((Number) tasks.sourceStats().get("tasks_answered")).longValue())
                    .isEqualTo(1_000);

            PoolStatus parsed = PoolStatus.fromJson(pool.cli("status", "--json").output());
            assertThat(parsed.workers().stream().map(PoolStatus.Worker::group).collect(Collectors.toSet()))
                    .isEqualTo(Set.of("orders", "emails", "tasks", "pinger"));
            assertThat(parsed.workersOf("tasks")).hasSize(2);
            assertThat(pool.cli("status").output()).contains("group tasks: consumer");
        }
    }

    @Test
    void onAStopTheTaskGroupStopsLastSoTheMessagesFinishingMeanwhileGetTheirTasksAnswered() throws Exception {
        // One task worker that takes 1 s a task, four callers waiting on it: three of their tasks wait
        // behind the first when SIGTERM comes, and the callers take up to 4 s to finish.
        String yaml = """
                max_wait_time: 20s
                groups:
                  orders:
                    consumer: %s
                    workers: 1
                    concurrency: 4
                    source: {type: queue, queue: orders}
                    app: {record_dir: %s, task_wait: true}
                  tasks:
                    consumer: %s
                    workers: 1
                    source: {type: task}
                    app: {sleep_ms: 1000}
                """.formatted(
                        TaskCallingConsumer.class.getName(), dir.resolve("orders"), TaskReplyConsumer.class.getName());
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(2, WAIT);
            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                client.push("orders", bodies("late-", 4));
            }
            pool.awaitStatus(
                    "the four callers waiting on their tasks",
                    s -> s.group("orders").orElseThrow().queue().orElseThrow().inFlight() == 4
                            && s.workers().stream()
                                            .filter(w -> w.group().equals("orders"))
                                            .mapToInt(PoolStatus.Worker::inFlight)
                                            .sum()
                                    == 4,
                    WAIT);
            pool.signal("TERM");
            assertThat(pool.awaitExit(Duration.ofSeconds(40))).isZero();
        }
        assertThat(results("orders"))
                .as("every task answered though the pool was stopping")
                .containsOnly(
                        Map.entry("late-0", "ok:done:late-0"),
                        Map.entry("late-1", "ok:done:late-1"),
                        Map.entry("late-2", "ok:done:late-2"),
                        Map.entry("late-3", "ok:done:late-3"));
    }

    @Test
    void aTaskThatFailsTimesOutOrHasNoGroupFailsItsCallerWithTheReason() throws Exception {
        String yaml = """
                max_wait_time: 5s
                groups:
                  orders:
                    consumer: %s
                    workers: 1
                    concurrency: 4
                    source: {type: queue, queue: orders}
                    app: {record_dir: %s, task_timeout_ms: 500, task_wait: true}
                  elsewhere:
                    consumer: %s
                    workers: 1
                    source: {type: queue, queue: elsewhere}
                    app: {record_dir: %s, task_group: nosuch}
                  tasks:
                    consumer: %s
                    workers: 1
                    concurrency: 4
                    source: {type: task}
                    retry: {max_tries: 1}
                """.formatted(
                        TaskCallingConsumer.class.getName(),
                        dir.resolve("orders"),
                        TaskCallingConsumer.class.getName(),
                        dir.resolve("elsewhere"),
                        TaskReplyConsumer.class.getName());
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(3, WAIT);
            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                client.push("orders", bodies("fail-", 1));
                client.push("orders", bodies("slow-", 1));
                client.push("orders", bodies("fine-", 1));
                client.push("orders", bodies("source-", 1));
                client.push("elsewhere", bodies("lost-", 1));
            }
            pool.awaitStatus(
                    "every caller finished",
                    s -> s.group("orders").orElseThrow().processed() == 4
                            && s.group("elsewhere").orElseThrow().processed() == 1,
                    WAIT);
            assertThat(results("orders"))
                    .containsEntry("fine-0", "ok:done:fine-0")
                    .containsEntry("slow-0", "timeout")
                    .containsEntry("source-0", "ok:done:task:orders-0:1")
                    .hasEntrySatisfying(
                            "fail-0", r -> assertThat(r).startsWith("failed:").contains("task fail-0 cannot be done"));
            assertThat(results("elsewhere").get("lost-0"))
                    .isEqualTo("failed:this pool has no task group nosuch (its task groups: tasks)");
        }
    }

    @Test
    void aTaskThatKillsItsTaskWorkerEveryTimeFailsAfterItsLastDeliveryAndThePoolGoesOn() throws Exception {
        String yaml = """
                max_wait_time: 5s
                restart_backoff: 100ms
                groups:
                  orders:
                    consumer: %s
                    workers: 1
                    concurrency: 4
                    source: {type: queue, queue: orders}
                    app: {record_dir: %s, task_timeout_ms: 60000}
                  tasks:
                    consumer: %s
                    workers: 2
                    source: {type: task, max_deliveries: 2}
                """.formatted(
                        TaskCallingConsumer.class.getName(), dir.resolve("orders"), TaskReplyConsumer.class.getName());
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(3, WAIT);
            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                client.push("orders", bodies("crash-", 1));
                pool.awaitStatus(
                        "the caller told", s -> s.group("orders").orElseThrow().processed() == 1, WAIT);
                assertThat(results("orders").get("crash-0"))
                        .isEqualTo("failed:its task worker died while running only this task, 2 times "
                                + "(max_deliveries 2); the last time: exit code 42");
                PoolStatus.Group tasks = pool.awaitStatus(
                                "both task workers back",
                                s -> s.group("tasks").orElseThrow().workersReady() == 2,
                                WAIT)
                        .group("tasks")
                        .orElseThrow();
                assertThat(tasks.restarts())
                        .as("one death per delivery of the crashing task")
                        .isEqualTo(2);
                assertThat(((Number) tasks.sourceStats().get("tasks_failed")).longValue())
                        .isEqualTo(1);

                client.push("orders", bodies("fine-", 20));
            }
            pool.awaitStatus(
                    "every caller finished",
                    s -> s.group("orders").orElseThrow().processed() == 21,
                    WAIT);
            Map<String, String> results = results("orders");
            for (int i = 0; i < 20; i++) {
                assertThat(results).containsEntry("fine-" + i, "ok:done:fine-" + i);
            }
        }
    }

    @Test
    void aTaskToAGroupWithNoReadyWorkerFailsAtOnce() throws Exception {
        String yaml = """
                max_wait_time: 5s
                restart_backoff: 30s
                groups:
                  orders:
                    consumer: %s
                    workers: 1
                    source: {type: queue, queue: orders}
                    app: {record_dir: %s, task_timeout_ms: 60000}
                  tasks:
                    consumer: %s
                    workers: 1
                    source: {type: task}
                """.formatted(
                TaskCallingConsumer.class.getName(), dir.resolve("orders"), FailingStartConsumer.class.getName());
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitStatus(
                    "the caller READY, the task group down",
                    s -> s.group("orders").orElseThrow().workersReady() == 1
                            && s.group("tasks").orElseThrow().restarts() >= 1,
                    WAIT);
            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                client.push("orders", bodies("order-", 3));
            }
            // Within the test's bound, well before the caller's 60 s timeout: the failure came at once.
            pool.awaitStatus(
                    "every caller told", s -> s.group("orders").orElseThrow().processed() == 3, Duration.ofSeconds(30));
            assertThat(results("orders").values())
                    .hasSize(3)
                    .allMatch(r -> r.equals("failed:task group tasks has no READY worker to run this task"));
            assertThat(((Number) pool.status()
                                    .group("tasks")
                                    .orElseThrow()
                                    .sourceStats()
                                    .get("tasks_refused"))
                            .longValue())
                    .isEqualTo(3);
        }
    }
}
