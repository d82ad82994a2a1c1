package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of docs/operations.md through this tree's {@code bin/pool} (which finds its own JDK, whatever
 * {@code java} the PATH has; the first of the README's two commands) on the demo pool's configuration: start
 * --daemon, the four ways to push, the text status, a killed worker coming back with RESTARTS 1, scale,
 * reload, reload --reread and stop.
 */
@Timeout(180)
class DemoCommandsTest {

    private static final Path POOL = DocumentedConfigsTest.ROOT.resolve("bin/pool");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private CliResult pool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(POOL.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-c", dir.resolve("pool.yaml").toString()));
        return PoolProcess.run(cmd, dir);
    }

    private PoolStatus awaitStatus(String what, Predicate<PoolStatus> condition) throws Exception {
        java.util.concurrent.atomic.AtomicReference<PoolStatus> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        boolean held = Polls.until(what, WAIT, () -> {
            CliResult r = pool("status", "--json"); // the tour's own command, as a reader of the README runs it
            if (!Polls.statusAnswered(r.exitCode())) {
                return false;
            }
            last.set(PoolStatus.fromJson(r.output()));
            return condition.test(last.get());
        });
        if (!held) {
            throw new AssertionError("not within " + WAIT + ": " + what + "; last status " + last.get());
        }
        return last.get();
    }

    private static long acked(PoolStatus status) {
        return status.queue().acked();
    }

    @Test
    void theToursCommandsDoWhatItSays() throws Exception {
        Files.copy(DocumentedConfigsTest.ROOT.resolve("examples/demo/pool.yaml"), dir.resolve("pool.yaml"));
        Files.write(dir.resolve("orders.txt"), List.of("order-1", "order-2", "order-3"));
        CliResult start = pool("start", "--daemon");
        long manager = -1;
        try {
            assertThat(start.exitCode()).as(start.output()).isZero();
            assertThat(start.output())
                    .contains("pool started in the background")
                    .contains("4 worker(s) ready");
            manager =
                    Long.parseLong(Files.readString(dir.resolve("run/pool.pid")).trim());

            assertThat(pool("push", "world", "again").output()).contains("pushed 2 message(s) to queue default");
            CliResult stdin = PoolProcess.run(
                    List.of("sh", "-c", "seq 1 1000 | " + POOL + " push -c " + dir.resolve("pool.yaml") + " -"), dir);
            assertThat(stdin.output()).contains("pushed 1000 message(s)");
            assertThat(pool("push", "--file", "orders.txt").output()).contains("pushed 3 message(s)");
            assertThat(pool("push", "--delay", "30s", "call back").output()).contains("pushed 1 message(s)");
            awaitStatus("1005 acked", s -> acked(s) == 1005);
            String log = Files.readString(dir.resolve("run/pool.log"));
            assertThat(log)
                    .containsPattern("\\[worker-\\d] .* INFO hello, world \\(message 1, attempt 1\\)")
                    .containsPattern("\\[manager] .* INFO spawned worker 1 in slot 0 \\(pid \\d+\\)");

            String status = pool("status").output();
            assertThat(status)
                    .containsPattern("pool " + manager + " +RUNNING +consumer io.procpool.examples.GreetingConsumer +"
                            + "source queue")
                    .contains("workers 4/4 ready")
                    .contains("queue default (process): depth 0, delayed 1")
                    .containsPattern("SLOT +PID +STATE +UPTIME +PROCESSED +FAILED +RESTARTS +RSS");

            PoolStatus before = awaitStatus("4 ready", s -> s.readyCount() == 4);
            long victim = before.readyPids().get(1);
            ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // kill -9 <pid>
            awaitStatus(
                    "its slot back with RESTARTS 1",
                    s -> s.readyCount() == 4
                            && s.workers().stream().anyMatch(w -> w.restarts() == 1 && w.pid() != victim));

            assertThat(pool("scale", "6").exitCode()).isZero();
            PoolStatus six = awaitStatus("6 ready", s -> s.readyCount() == 6);
            assertThat(pool("reload").output()).contains("reloading");
            awaitStatus(
                    "every worker replaced",
                    s -> s.readyCount() == 6 && s.readyPids().stream().noneMatch(six.readyPids()::contains));
            CliResult reread = pool("reload", "--reread");
            assertThat(reread.output()).contains("reloading with the reread configuration");
            awaitStatus(
                    "back to the file's 4 workers",
                    s -> s.readyCount() == 4 && s.workers().size() == 4);

            CliResult stop = pool("stop");
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(stop.output()).contains("pool stopped");
            assertThat(PoolProcess.isRunning(manager)).isFalse();
        } finally {
            Pools.killDaemon(manager);
        }
    }
}
