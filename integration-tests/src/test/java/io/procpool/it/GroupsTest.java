package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.QueueClient;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import io.procpool.testkit.consumers.PingLoopConsumer;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code groups:} in one manager: two queue groups on their own queues, and a loop group (a user process),
 * each running its own consumer with its own settings; status names every worker's group, logs carry the
 * group's tag, and scale and reload act on the group they name.
 */
@Timeout(180)
class GroupsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private String yaml() {
        return """
                max_wait_time: 5s
                consumer: %s
                groups:
                  orders:
                    workers: 2
                    source: {type: queue, queue: orders}
                    retry: {ignore: [com.acme.NotThere]}
                    app: {record_dir: %s}
                  emails:
                    workers: 1
                    source: {type: queue, queue: emails}
                    app: {record_dir: %s}
                  pinger:
                    consumer: %s
                    workers: 2
                    source: {type: none}
                    app: {record_dir: %s}
                """.formatted(
                        RecordingConsumer.class.getName(),
                        dir.resolve("orders"),
                        dir.resolve("emails"),
                        PingLoopConsumer.class.getName(),
                        dir.resolve("pinger"));
    }

    /** The bodies a group's workers recorded as processed. */
    private List<String> processed(String group) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve(group))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("processed-"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    bodies.add(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return bodies;
    }

    private static List<byte[]> bodies(String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> (prefix + i).getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void eachGroupRunsItsOwnConsumerOnItsOwnSourceAndStatusNamesTheGroups() throws Exception {
        for (String g : List.of("orders", "emails", "pinger")) {
            Files.createDirectories(dir.resolve(g));
        }
        try (PoolProcess pool = PoolProcess.start(dir, yaml())) {
            PoolStatus ready = pool.awaitReady(5, WAIT);
            assertThat(ready.groups()).extracting(PoolStatus.Group::name).containsExactly("orders", "emails", "pinger");
            assertThat(ready.workersOf("orders")).hasSize(2);
            assertThat(ready.workersOf("emails")).hasSize(1);
            assertThat(ready.group("pinger").orElseThrow().source()).isEqualTo("none");
            assertThat(ready.group("orders").orElseThrow().queue().orElseThrow().name())
                    .isEqualTo("orders");

            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                client.push("orders", bodies("order-", 50));
                client.push("emails", bodies("email-", 30));
            }
            PoolStatus done = pool.awaitStatus(
                    "each queue consumed by its group",
                    s -> s.group("orders").orElseThrow().processed() == 50
                            && s.group("emails").orElseThrow().processed() == 30,
                    WAIT);
            assertThat(done.pool().processed())
                    .as("the pool's total: the groups' (the pinger's count its pings)")
                    .isEqualTo(done.groups().stream()
                            .mapToLong(PoolStatus.Group::processed)
                            .sum())
                    .isGreaterThanOrEqualTo(80);
            assertThat(processed("orders")).hasSize(50).allMatch(b -> b.startsWith("order-"));
            assertThat(processed("emails")).hasSize(30).allMatch(b -> b.startsWith("email-"));
            assertThat(Polls.until("the loop group's slot 0 sends to its slot 1", WAIT, () -> {
                        try (Stream<Path> files = Files.list(dir.resolve("pinger"))) {
                            return files.anyMatch(
                                    p -> p.getFileName().toString().startsWith("received-"));
                        }
                    }))
                    .as("pings received in the pinger group")
                    .isTrue();

            CliResult json = pool.cli("status", "--json");
            PoolStatus parsed = PoolStatus.fromJson(json.output());
            assertThat(parsed.workers()).hasSize(5);
            assertThat(parsed.workers().stream().map(PoolStatus.Worker::group).collect(Collectors.toSet()))
                    .isEqualTo(Set.of("orders", "emails", "pinger"));
            CliResult text = pool.cli("status");
            assertThat(text.output())
                    .contains("group orders: consumer")
                    .contains("orders-1")
                    .contains("pinger-0");
            assertThat(pool.log())
                    .as("a worker's lines carry its group and slot; a group's own retry settings reach its workers")
                    .containsPattern("\\[orders-\\d\\] .*retry.ignore names com.acme.NotThere")
                    .doesNotContainPattern("\\[emails-\\d\\] .*retry.ignore");

            try (QueueClient client = QueueClient.connect(pool.runDir())) {
                assertThat(catchMessage(() -> client.push("nobody", bodies("x", 1))))
                        .contains("serves queues orders, emails");
            }

            CliResult unnamed = pool.cli("scale", "3");
            assertThat(unnamed.exitCode()).isNotZero();
            assertThat(unnamed.output()).contains("say which to scale");
            assertThat(pool.cli("scale", "nosuch", "3").output()).contains("no group nosuch");
            assertThat(pool.cli("scale", "emails", "2").exitCode()).isZero();
            pool.awaitStatus(
                    "emails scaled to 2", s -> s.group("emails").orElseThrow().workersReady() == 2, WAIT);

            List<Long> ordersBefore = pool.status().workersOf("orders").stream()
                    .map(PoolStatus.Worker::id)
                    .toList();
            CliResult reload = pool.cli("reload", "emails", "--wait");
            assertThat(reload.exitCode()).as(reload.output()).isZero();
            assertThat(reload.output()).contains("reloaded: 2 worker(s) replaced and ready");
            assertThat(pool.status().workersOf("orders").stream()
                            .map(PoolStatus.Worker::id)
                            .toList())
                    .as("a group's reload leaves the other groups alone")
                    .isEqualTo(ordersBefore);

            assertThat(pool.cli("stop").exitCode()).isZero();
            assertThat(pool.awaitExit(WAIT)).isZero();
        }
    }

    @Test
    void killingAUserProcessStartsANewOneInItsGroup() throws Exception {
        Files.createDirectories(dir.resolve("pinger"));
        try (PoolProcess pool = PoolProcess.start(dir, yaml())) {
            PoolStatus ready = pool.awaitReady(5, WAIT);
            long pid = ready.workersOf("pinger").get(0).pid();
            new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
            PoolStatus after = pool.awaitStatus(
                    "a new pinger in slot 0",
                    s -> s.workersOf("pinger").stream().anyMatch(w -> w.slot() == 0 && w.isReady() && w.pid() != pid),
                    WAIT);
            assertThat(after.group("pinger").orElseThrow().restarts()).isEqualTo(1);
            assertThat(after.group("orders").orElseThrow().restarts()).isZero();
        }
    }

    @Test
    void aRereadAppliesEachGroupsSettingsAndRefusesAddedGroups() throws Exception {
        for (String g : List.of("orders", "emails", "pinger")) {
            Files.createDirectories(dir.resolve(g));
        }
        try (PoolProcess pool = PoolProcess.start(dir, yaml())) {
            pool.awaitReady(5, WAIT);
            Files.writeString(dir.resolve("pool.yaml"), yaml() + "  extra:\n    source: {type: none}\n");
            CliResult added = pool.cli("reload", "--reread");
            assertThat(added.exitCode()).isNotZero();
            assertThat(added.output())
                    .contains("orders, emails, pinger -> orders, emails, pinger, extra")
                    .contains("needs a restart");

            Files.writeString(
                    dir.resolve("pool.yaml"), yaml().replace("  emails:\n    workers: 1", "  emails:\n    workers: 3"));
            CliResult reread = pool.cli("reload", "--reread");
            assertThat(reread.exitCode()).as(reread.output()).isZero();
            PoolStatus s = pool.awaitStatus(
                    "emails at 3 workers from the reread file",
                    st -> st.group("emails").orElseThrow().workersReady() == 3,
                    WAIT);
            assertThat(s.group("orders").orElseThrow().workersTarget()).isEqualTo(2);
        }
    }

    private static String catchMessage(ThrowingRunnable r) {
        try {
            r.run();
            return "";
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
