package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's log: {@code log_format: json} makes every line the manager or a worker writes a JSON object
 * with slot and pid (a worker's println and stderr included); text lines carry the date; {@code log_file}
 * rotates by size, keeping {@code log_keep} files; {@code pool logs} prints it, one slot's lines with
 * {@code --slot}, and follows it with {@code -f}.
 */
@Timeout(180)
class LogsTest {

    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyLineOfTheManagerAndItsWorkersIsJsonWithSlotAndPid() throws Exception {
        List<Long> workerPids;
        long managerPid;
        try (PoolProcess pool = PoolProcess.start(
                dir,
                Pools.recording(
                        dir, 2, "log_format: json", "retry.backoff: 1ms", "max_deliveries: 1", "app.sleep_ms: 1"))) {
            pool.awaitReady(2, WAIT);
            managerPid = pool.pid();
            workerPids = pool.status().readyPids();
            pool.push(List.of("a", "poison-1", "b", "poison-2"));
            pool.awaitStatus(
                    "both poison messages dead-lettered", s -> s.queue().dead() == 2, WAIT);
            assertThat(pool.cli("stop").exitCode()).isZero();
            assertThat(pool.awaitExit(WAIT)).isZero();
        }
        List<String> lines = Files.readAllLines(dir.resolve("manager.log"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank())
                .toList();
        assertThat(lines).hasSizeGreaterThan(10);
        Set<Long> pids = new HashSet<>();
        Set<String> loggers = new HashSet<>();
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.has("slot")).as("slot in %s", line).isTrue();
            assertThat(node.path("pid").isIntegralNumber())
                    .as("pid in %s", line)
                    .isTrue();
            assertThat(node.path("time").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(node.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(node.path("pool").asText())
                    .as(line)
                    .isEqualTo(dir.getFileName().toString());
            long pid = node.path("pid").asLong();
            pids.add(pid);
            loggers.add(node.path("logger").asText());
            if (pid == managerPid) {
                assertThat(node.path("slot").isNull())
                        .as("the manager has no slot: %s", line)
                        .isTrue();
            } else {
                assertThat(workerPids).as(line).contains(pid);
                assertThat(node.path("slot").asInt()).as(line).isBetween(0, 1);
                assertThat(node.path("group").asText()).isEqualTo("default");
            }
        }
        assertThat(pids)
                .as("the manager and both workers wrote")
                .containsAll(workerPids)
                .contains(managerPid);
        assertThat(loggers)
                .as("a worker's println, its stderr, and loggers of both kinds of process")
                .contains("stdout", "stderr", "io.procpool.internal.manager.Supervisor")
                .anyMatch(l -> l.startsWith("io.procpool.testkit"));
        assertThat(lines).anyMatch(l -> l.contains("cannot process poison-1"));
    }

    @Test
    void aLogFileRotatesBySizeAndPoolLogsShowsOneSlotAndFollows() throws Exception {
        Path log = dir.resolve("logs").resolve("pool.log");
        try (PoolProcess pool = PoolProcess.start(
                dir,
                Pools.recording(
                        dir,
                        2,
                        "log_file: logs/pool.log",
                        "log_max_size: 4KiB",
                        "log_keep: 2",
                        "retry.backoff: 1ms",
                        "max_deliveries: 1"))) {
            pool.awaitReady(2, WAIT);
            int n = 60;
            pool.push(IntStream.range(0, n).mapToObj(i -> "poison-" + i).toList());
            pool.awaitStatus(
                    "every poison message dead-lettered", s -> s.queue().dead() == n, WAIT);

            assertThat(Files.readString(dir.resolve("manager.log")))
                    .as("the terminal gets nothing once the log file is open")
                    .doesNotContain("spawned worker");
            assertThat(Files.exists(log.resolveSibling("pool.log.1"))).isTrue();
            assertThat(Files.exists(log.resolveSibling("pool.log.2"))).isTrue();
            assertThat(Files.exists(log.resolveSibling("pool.log.3")))
                    .as("log_keep: 2")
                    .isFalse();
            for (String rotated : List.of("pool.log.1", "pool.log.2")) {
                Path f = log.resolveSibling(rotated);
                assertThat(Files.size(f)).as(rotated).isBetween(4096L, 4096L + 1024);
                assertThat(Files.readString(f)).as("whole lines only").endsWith("\n");
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .isEqualTo("rw-------");
            }
            assertThat(Files.readString(log.resolveSibling("pool.log.2")))
                    .containsPattern("\\[worker-\\d] \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARN) ");

            CliResult all = pool.cli("logs");
            assertThat(all.exitCode()).as(all.output()).isZero();
            assertThat(all.output()).isEqualTo(Files.readString(log));
            CliResult one = pool.cli("logs", "--slot", "1");
            assertThat(one.exitCode()).isZero();
            List<String> fileLines = Files.readAllLines(log);
            assertThat(one.output().lines().toList())
                    .as("slot 1's lines of the current file (which after a rotation may hold few)")
                    .isEqualTo(fileLines.stream()
                            .filter(l -> l.startsWith("[worker-1] "))
                            .toList());
            assertThat(fileLines).as("lines of others, left out").anyMatch(l -> !l.startsWith("[worker-1] "));

            Path followed = dir.resolve("followed.out");
            List<String> cmd = new ArrayList<>(PoolProcess.javaCommand("logs", "-f", "--run-dir=" + pool.runDir()));
            Process follower = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(followed.toFile())
                    .start();
            try {
                assertThat(Polls.until("the follower printed the file so far", WAIT, () -> Files.size(followed) > 0))
                        .isTrue();
                // enough lines to rotate the file again while it follows, a few messages at a time
                for (int batch = 0; batch < 10; batch++) {
                    int first = batch * 4;
                    pool.push(IntStream.range(first, first + 4)
                            .mapToObj(i -> "poison-late-" + i)
                            .toList());
                    String last = "cannot process poison-late-" + (first + 3);
                    boolean seen = Polls.until(
                            "the follower printed " + last,
                            WAIT,
                            () -> Files.readString(followed).contains(last));
                    assertThat(seen).as(Files.readString(followed)).isTrue();
                }
                assertThat(follower.isAlive()).as("-f keeps following").isTrue();
            } finally {
                follower.destroy();
                follower.waitFor();
            }
            String printed = Files.readString(followed);
            for (int i = 0; i < 40; i++) {
                assertThat(printed).as("late message %d", i).contains("cannot process poison-late-" + i + "\n");
            }
            assertThat(Files.exists(log.resolveSibling("pool.log.3")))
                    .as("log_keep: 2")
                    .isFalse();
        }
    }

    @Test
    void aPoolLoggingToItsTerminalHasNoLogFileToShow() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            pool.awaitReady(1, WAIT);
            assertThat(Files.readString(dir.resolve("manager.log")))
                    .containsPattern(
                            "\\[manager] \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO spawned worker");
            CliResult none = pool.cli("logs");
            assertThat(none.exitCode()).isEqualTo(1);
            assertThat(none.output()).contains("no log file at", "log_file");
        }
    }
}
