package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/pool start} as PID 1, as a container's entry point runs it: in a PID namespace of its own
 * ({@code unshare --pid --fork}, so root only; skipped elsewhere), the orphans a consumer's subprocesses
 * leave are reaped, and the signals sent to PID 1 reach the manager (USR1 reloads, TERM stops gracefully,
 * and PID 1 exits with the manager's code).
 */
@Timeout(180)
class Pid1Test {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path home;
    private Path config;

    private static boolean namespacesWork() {
        try {
            Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** {@code /proc/<pid>/stat}'s state and parent, or null when the process is gone. */
    private record Stat(long pid, char state, long parent, String command) {}

    private static Stat stat(Path procDir) {
        try {
            String s = Files.readString(procDir.resolve("stat"));
            int close = s.lastIndexOf(')');
            String[] after = s.substring(close + 2).split(" ");
            return new Stat(
                    Long.parseLong(procDir.getFileName().toString()),
                    after[0].charAt(0),
                    Long.parseLong(after[1]),
                    s.substring(s.indexOf('(') + 1, close));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The processes whose parent is {@code pid}, zombies included. */
    private static List<Stat> childrenOf(long pid) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .map(Pid1Test::stat)
                    .filter(s -> s != null && s.parent() == pid)
                    .toList();
        }
    }

    /** {@code bin/pool <args>} as PID 1 of a PID namespace of its own. */
    private List<String> asPid1(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                "unshare",
                "--pid",
                "--fork",
                "--mount-proc",
                home.resolve("bin/pool").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private CliResult pool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/pool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-c", config.toString()));
        return PoolProcess.run(cmd, dir);
    }

    private PoolStatus awaitStatus(String what, Predicate<PoolStatus> condition) throws Exception {
        AtomicReference<PoolStatus> last = new AtomicReference<>();
        assertThat(Polls.until(what, WAIT, () -> {
                    CliResult r = pool("status", "--json");
                    if (Polls.statusAnswered(r.exitCode())) {
                        last.set(PoolStatus.fromJson(r.output()));
                    }
                    return last.get() != null && condition.test(last.get());
                }))
                .as(() -> "last status " + last.get() + "\n" + DistributionTest.readQuietly(dir.resolve("pid1.log")))
                .isTrue();
        return last.get();
    }

    @Test
    void asPid1ThePoolReapsOrphansAndPassesSignalsOn() throws Exception {
        assumeTrue(namespacesWork(), "no PID namespaces here (unshare --pid needs root)");
        home = DistributionTest.unpack(dir.resolve("opt"));
        // Each orphan sleeps 5 s: longer than the status polls (a JVM each) before the test looks for it,
        // so that it is still alive to be seen being handed to PID 1 (with 1 s a CI run saw none).
        config = Files.writeString(
                dir.resolve("pool.yaml"),
                "consumer: " + OrphanMakingConsumer.class.getName() + "\n"
                        + "classpath: [" + DocumentedConfigsTest.ROOT.resolve("integration-tests/target/test-classes")
                        + "]\n"
                        + "workers: 2\n"
                        + "aot_cache: off\n"
                        + "max_wait_time: 10s\n"
                        + "app.orphan_sleep: 5\n");
        ProcessBuilder pb = new ProcessBuilder(asPid1("start", "-c", config.toString()))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("pid1.log").toFile());
        DistributionTest.userEnvironment(pb.environment());
        Process unshare = pb.start();
        try {
            assertThat(Polls.until(
                            "PID 1 of the namespace",
                            WAIT,
                            () -> unshare.children().findAny().isPresent()))
                    .isTrue();
            long init = unshare.children().findFirst().orElseThrow().pid();
            PoolStatus ready = awaitStatus("2 ready workers", s -> s.readyCount() == 2);

            Path orders = Files.write(
                    dir.resolve("orders.txt"),
                    IntStream.range(0, 20).mapToObj(i -> "order-" + i).toList());
            assertThat(pool("push", "--file", orders.toString()).exitCode()).isZero();
            awaitStatus("20 processed", s -> s.pool().processed() == 20);
            Set<Long> orphans = new HashSet<>();
            boolean reaped = Polls.until("every orphan handed to PID 1 and reaped", WAIT, () -> {
                List<Stat> children = childrenOf(init);
                children.stream().filter(c -> c.command().equals("sleep")).forEach(c -> orphans.add(c.pid()));
                return orphans.size() > 0
                        && children.stream().noneMatch(c -> c.command().equals("sleep") || c.state() == 'Z');
            });
            assertThat(orphans).as("orphans PID 1 was handed").isNotEmpty();
            assertThat(reaped)
                    .as(() -> {
                        try {
                            return "PID 1's children now: " + childrenOf(init);
                        } catch (IOException e) {
                            return e.toString();
                        }
                    })
                    .isTrue();

            new ProcessBuilder("kill", "-USR1", Long.toString(init)).start().waitFor();
            awaitStatus(
                    "USR1 passed on: every worker replaced",
                    s -> s.readyCount() == 2 && s.readyPids().stream().noneMatch(ready.readyPids()::contains));

            new ProcessBuilder("kill", "-TERM", Long.toString(init)).start().waitFor();
            assertThat(unshare.waitFor(60, TimeUnit.SECONDS))
                    .as("TERM passed on: the pool stopped")
                    .isTrue();
            assertThat(unshare.exitValue())
                    .as(() -> DistributionTest.readQuietly(dir.resolve("pid1.log")))
                    .isZero();
        } finally {
            unshare.descendants().forEach(ProcessHandle::destroyForcibly);
            unshare.destroyForcibly();
        }
    }

    @Test
    void daemonAsPid1IsRefused() throws Exception {
        assumeTrue(namespacesWork(), "no PID namespaces here (unshare --pid needs root)");
        home = DistributionTest.unpack(dir.resolve("opt"));
        CliResult r = PoolProcess.run(asPid1("start", "--daemon"), dir);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).contains("--daemon as PID 1 would end the container at once");
    }
}
