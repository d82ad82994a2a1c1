package io.procpool.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procpool.testkit.SourceUnderTest.GivenUp;
import io.procpool.testkit.SourceUnderTest.Redelivery;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every source promises, as tests a source's test class inherits by extending this one and
 * saying in {@link #source} how to reach it: a worker killed mid-message loses nothing; a message whose
 * {@code onMessage} keeps throwing is given up with its error while the others flow; a graceful stop
 * loses nothing; a message that kills its worker every time is given up alone; and {@code attempt()}
 * counts the deliveries where the source counts them. Pools run {@link RecordingConsumer}, whose
 * records are the evidence. JUnit runs each test on its own thread, one at a time.
 */
@Timeout(300)
public abstract class SourceContract {

    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Where each test's pools keep their run and data directories and their records. */
    @TempDir
    protected Path dir;

    private SourceUnderTest source;
    private final List<PoolProcess> pools = new ArrayList<>();

    /** A fresh source for one test (its own key, topic or port), closed after the test. */
    protected abstract SourceUnderTest source(Path dir) throws Exception;

    @BeforeEach
    void openSource() throws Exception {
        source = source(dir);
    }

    @AfterEach
    void closeSource() throws Exception {
        pools.forEach(PoolProcess::close);
        source.close();
    }

    @Test
    void aWorkerKilledMidMessageLosesNothing() throws Exception {
        PoolProcess pool = start("kill", 1, "app.sleep_ms: 300");
        List<String> bodies = bodies("k", 10);
        source.publish(pool, bodies);
        long worker = pool.awaitInFlight(1, WAIT).readyPids().get(0);
        ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
        Path records = dir.resolve("kill/records");
        if (source.redelivery() == Redelivery.NEVER) {
            Set<String> answered = awaitSettled(bodies, records);
            assertTrue(
                    source.givenUp().stream().anyMatch(g -> !g.error().isEmpty()),
                    "the request its worker was running when it was killed is answered with an error: "
                            + source.givenUp());
            assertEquals(new HashSet<>(bodies), answered, "every request processed or answered with an error");
            assertNoneTwice(records);
            return;
        }
        assertEquals(
                new HashSet<>(bodies),
                RecordedOutput.awaitProcessedBodies(bodies.size(), WAIT, records),
                () -> "messages processed after the kill\n" + pool.log());
        assertEquals(List.of(), source.givenUp(), "given up on");
        List<Integer> attempts = attempts(RecordedOutput.processedLines(records));
        if (source.redelivery() == Redelivery.COUNTED) {
            assertTrue(
                    attempts.stream().anyMatch(a -> a >= 2),
                    "the message the killed worker held came back with attempt() raised: " + attempts);
        } else {
            assertTrue(attempts.stream().allMatch(a -> a == 1), "attempt() without a delivery count: " + attempts);
        }
    }

    @Test
    void aMessageThatKeepsFailingIsGivenUpWithItsErrorAndTheOthersFlow() throws Exception {
        PoolProcess pool = start("poison", 1, "retry.max_tries: 2", "retry.backoff: 10ms", "retry.jitter: 0");
        source.publish(pool, List.of("a", "poison-1", "b", "c"));
        Path records = dir.resolve("poison/records");
        assertEquals(Set.of("a", "b", "c"), RecordedOutput.awaitProcessedBodies(3, WAIT, records));
        List<GivenUp> givenUp = awaitGivenUp(1);
        assertEquals(1, givenUp.size(), () -> "given up on: " + givenUp);
        assertEquals("poison-1", givenUp.get(0).body());
        assertTrue(
                givenUp.get(0).error().contains("cannot process poison-1"),
                () -> "the consumer's error kept with it: " + givenUp.get(0).error());

        List<String> tries = RecordedOutput.lines(records, "tries-");
        List<Integer> expected = new ArrayList<>();
        for (int delivery = 1; delivery <= source.deliveries(); delivery++) {
            int attempt = source.redelivery() == Redelivery.COUNTED ? delivery : 1;
            expected.addAll(List.of(attempt, attempt)); // retry.max_tries in each delivery
        }
        List<Integer> seen = tries.stream()
                .map(t -> Integer.parseInt(t.split(" ")[1]))
                .sorted()
                .toList();
        assertEquals(expected, seen, () -> "attempt() of each try of onMessage: " + tries);
        assertEquals(
                1,
                tries.stream().map(t -> t.split(" ")[0]).distinct().count(),
                () -> "message.id() on every try: " + tries);

        source.publish(pool, List.of("after-1"));
        assertTrue(
                RecordedOutput.awaitProcessedBodies(4, WAIT, records).contains("after-1"),
                "the pool goes on after giving up");
    }

    @Test
    void aGracefulStopLosesNothing() throws Exception {
        String yaml = yaml("stop", 2, "app.sleep_ms: 100");
        Path d = dir.resolve("stop");
        PoolProcess first = started(d, yaml, 2);
        List<String> bodies = bodies("g", 30);
        source.publish(first, bodies);
        Path records = d.resolve("records");
        RecordedOutput.awaitProcessedBodies(6, WAIT, records);
        PoolProcess.CliResult stop = first.cli("stop");
        assertEquals(0, stop.exitCode(), stop.output());
        assertEquals(0, first.awaitExit(WAIT), "the stopped manager's exit code");
        assertFalse(first.log().contains("killing it"), "a worker killed at the stop deadline");
        if (source.redelivery() == Redelivery.NEVER) {
            assertEquals(new HashSet<>(bodies), awaitSettled(bodies, records));
        } else {
            started(d, yaml, 2); // on the same run and data directories, as after a restart
            assertEquals(
                    new HashSet<>(bodies),
                    RecordedOutput.awaitProcessedBodies(bodies.size(), WAIT, records),
                    "messages processed by the two pools");
        }
        assertNoneTwice(records);
    }

    @Test
    void aMessageThatKillsItsWorkerEveryTimeIsGivenUpAloneAndTheOthersFlow() throws Exception {
        assumeTrue(
                source.givesUpAMessageThatKillsItsWorker(),
                "this source keeps no count of the deaths a message causes (see its documentation)");
        PoolProcess pool = start("crash", 1);
        source.publish(pool, List.of("a", "b", "crash-1", "c", "d"));
        Path records = dir.resolve("crash/records");
        assertEquals(
                Set.of("a", "b", "c", "d"),
                RecordedOutput.awaitProcessedBodies(4, WAIT, records),
                () -> "the messages around it\n" + pool.log());
        List<GivenUp> givenUp = awaitGivenUp(1);
        assertEquals(1, givenUp.size(), () -> "given up on: " + givenUp);
        assertEquals("crash-1", givenUp.get(0).body());
        assertFalse(givenUp.get(0).error().isBlank(), "why it was given up");
    }

    private PoolProcess start(String name, int workers, String... settings) throws Exception {
        return started(dir.resolve(name), yaml(name, workers, settings), workers);
    }

    private PoolProcess started(Path d, String yaml, int workers) throws Exception {
        PoolProcess p = PoolProcess.start(d, yaml);
        pools.add(p);
        p.awaitReady(workers, WAIT);
        return p;
    }

    /** The pool's YAML: the contract's defaults, then the source's settings, then the test's. */
    private String yaml(String name, int workers, String... settings) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("consumer", RecordingConsumer.class.getName());
        values.put("workers", Integer.toString(workers));
        values.put("max_wait_time", "10s");
        values.put("min_uptime", "0");
        values.put("restart_backoff", "100ms");
        values.put("app.record_dir", dir.resolve(name).resolve("records").toString());
        List<String> all = new ArrayList<>(source.settings());
        all.addAll(List.of(settings));
        for (String s : all) {
            int colon = s.indexOf(':');
            values.put(s.substring(0, colon).trim(), s.substring(colon + 1).trim());
        }
        StringBuilder yaml = new StringBuilder();
        values.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        return yaml.toString();
    }

    private List<GivenUp> awaitGivenUp(int n) throws Exception {
        try {
            Awaitility.await(n + " message(s) given up")
                    .atMost(WAIT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> source.givenUp().size() >= n);
        } catch (ConditionTimeoutException e) {
            // fall through: the caller's assertion says what was given up
        }
        return source.givenUp();
    }

    /** Waits until each body is processed or given up; returns those that are. */
    private Set<String> awaitSettled(List<String> bodies, Path records) throws Exception {
        try {
            Awaitility.await("every message processed or given up")
                    .atMost(WAIT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> settled(records).containsAll(bodies));
        } catch (ConditionTimeoutException e) {
            // fall through: the caller's assertion says what is missing
        }
        return settled(records);
    }

    private Set<String> settled(Path records) throws Exception {
        Set<String> settled = new HashSet<>(RecordedOutput.processedBodies(records));
        source.givenUp().forEach(g -> settled.add(g.body()));
        return settled;
    }

    /** No message was processed twice, nor processed and given up. */
    private void assertNoneTwice(Path records) throws Exception {
        List<String> processed = RecordedOutput.processedLines(records).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .toList();
        List<String> all = new ArrayList<>(processed);
        source.givenUp().forEach(g -> all.add(g.body()));
        assertEquals(new HashSet<>(all).size(), all.size(), () -> "processed or given up more than once: " + all);
    }

    private static List<Integer> attempts(List<String> processedLines) {
        return processedLines.stream()
                .map(l -> Integer.parseInt(l.split(" ")[3]))
                .toList();
    }

    private static List<String> bodies(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }
}
