package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolListener;
import io.procpool.internal.TestClock;
import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.queue.MemoryQueueStore;
import io.procpool.internal.queue.QueueEngine;
import io.procpool.internal.queue.QueueFeed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The supervisor driven by a fake launcher and a clock the test moves: restart, backoff, deadlines, reload. */
class SupervisorTest {

    /** A worker process that exits when the test (or a kill) says so. */
    static final class FakeWorker implements WorkerLauncher.LaunchedWorker {
        static final AtomicLong PIDS = new AtomicLong(100);
        final int slot;
        final long id;
        final long pid = PIDS.incrementAndGet();
        volatile IntConsumer onExit;
        volatile boolean alive = true;
        volatile boolean killed;

        FakeWorker(int slot, long id) {
            this.slot = slot;
            this.id = id;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public void onExit(IntConsumer onExit) {
            this.onExit = onExit;
        }

        @Override
        public void kill() {
            killed = true;
            exit(137);
        }

        void exit(int code) {
            if (alive) {
                alive = false;
                onExit.accept(code);
            }
        }

        @Override
        public boolean isAlive() {
            return alive;
        }
    }

    private final TestClock clock = new TestClock();
    private final List<FakeWorker> launched = new CopyOnWriteArrayList<>();
    private final List<String> listened = new CopyOnWriteArrayList<>();
    private Supervisor supervisor;
    private Thread loop;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    @BeforeEach
    void startSupervisor() {
        PoolConfig config = ConfigLoader.load(null, Map.of(), Map.of("consumer", "com.acme.C", "workers", "2",
                "min_uptime", "5s", "restart_backoff", "1s", "restart_max_backoff", "8s", "max_wait_time", "2s"));
        WorkerLauncher launcher = (slot, id, cfg) -> {
            FakeWorker w = new FakeWorker(slot, id);
            launched.add(w);
            return w;
        };
        PoolListener listener = new PoolListener() {
            @Override
            public void onWorkerStart(int slot, long pid) {
                listened.add("start " + slot);
            }

            @Override
            public void onWorkerExit(int slot, long pid, int code) {
                listened.add("exit " + slot + " " + code);
            }
        };
        QueueEngine queue = new QueueEngine(config.queue(), 5, 1, new MemoryQueueStore(), clock);
        supervisor = new Supervisor(config, launcher, new QueueFeed(queue), queue, clock, List.of(listener), () -> config);
        loop = Thread.ofPlatform().name("supervisor-under-test").start(() -> exitCode.complete(supervisor.run()));
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        // A loop that returned (its exit code is set) answers no more commands, though its thread may
        // not have ended yet: stopping it then would wait for an answer that never comes.
        if (!exitCode.isDone() && loop.isAlive()) {
            command("stop", Map.of("timeout_ms", 0));
            launched.forEach(w -> w.exit(0));
            loop.join(5_000);
        }
    }

    @Test
    void spawnsOneWorkerPerSlot() {
        eventually("2 launches", () -> launched.size() == 2);
        assertThat(launched).extracting(w -> w.slot).containsExactly(0, 1);
        // listeners hear of a start just after the launch, on the supervisor's thread
        eventually("2 starts heard", () -> listened.size() == 2);
        assertThat(listened).containsExactly("start 0", "start 1");
    }

    @Test
    void aWorkerThatLivedPastMinUptimeIsReplacedAtOnce() {
        eventually("2 launches", () -> launched.size() == 2);
        launched.forEach(w -> supervisor.post(new SupervisorEvent.Ready(w.id)));
        clock.advance(Duration.ofSeconds(10));
        launched.get(1).exit(137);
        eventually("a replacement in slot 1", () -> launched.size() == 3);
        assertThat(launched.get(2).slot).isEqualTo(1);
        assertThat(slotRow(1).get("restarts")).isEqualTo(1);
        eventually("the exit heard", () -> listened.contains("exit 1 137"));
    }

    @Test
    void aQuicklyDyingSlotWaitsLongerEachTime() {
        eventually("2 launches", () -> launched.size() == 2);
        launched.get(0).exit(5);
        eventually("slot 0 in backoff", () -> "BACKOFF".equals(slotRow(0).get("state")));
        assertThat(slotRow(0).get("next_start_in_ms")).isEqualTo(1000L);
        tick(Duration.ofMillis(900));
        assertThat(launched).hasSize(2);
        tick(Duration.ofMillis(200));
        eventually("slot 0 restarted after 1 s", () -> launched.size() == 3);

        launched.get(2).exit(5);
        eventually("slot 0 in backoff again", () -> "BACKOFF".equals(slotRow(0).get("state")));
        assertThat(slotRow(0).get("next_start_in_ms")).isEqualTo(2000L);
        assertThat(slotRow(0).get("consecutive_failures")).isEqualTo(2);
        assertThat(slotRow(0).get("last_exit")).isEqualTo("consumer onStart threw");
    }

    @Test
    void aGracefulStopKillsWorkersStillAliveAtTheDeadline() throws Exception {
        eventually("2 launches", () -> launched.size() == 2);
        launched.get(0).exit(0); // a worker that stops in time; the other ignores the stop
        command("stop", Map.of());
        tick(Duration.ofMillis(1_900));
        assertThat(launched.get(1).killed).isFalse();
        clock.advance(Duration.ofMillis(200));
        eventually("the straggler killed", () -> launched.get(1).killed);
        assertThat(exitCode.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(launched).hasSize(2);
    }

    @Test
    void aRollingReloadReplacesOneSlotAtATimeAfterItsSuccessorIsReady() {
        eventually("2 launches", () -> launched.size() == 2);
        launched.forEach(w -> supervisor.post(new SupervisorEvent.Ready(w.id)));
        eventually("2 ready", () -> ((Number) pool().get("workers_ready")).intValue() == 2);
        command("reload", Map.of());
        tick(Duration.ofMillis(200));
        eventually("a successor for slot 0", () -> launched.size() == 3);
        assertThat(launched.get(2).slot).isEqualTo(0);
        tick(Duration.ofMillis(200));
        assertThat(launched).as("slot 1 waits until slot 0's successor is ready").hasSize(3);
        assertThat(((Number) pool().get("workers_ready")).intValue()).isEqualTo(2);

        supervisor.post(new SupervisorEvent.Ready(launched.get(2).id));
        tick(Duration.ofMillis(200));
        eventually("a successor for slot 1", () -> launched.size() == 4);
        assertThat(launched.get(3).slot).isEqualTo(1);
        assertThat(((Number) pool().get("workers_ready")).intValue()).isEqualTo(2);
    }

    @Test
    void scalingDownTheSlotThatIsBeingReloadedEndsItsReloadAndLaterReloadsWork() {
        eventually("2 launches", () -> launched.size() == 2);
        launched.forEach(w -> supervisor.post(new SupervisorEvent.Ready(w.id)));
        eventually("2 ready", () -> ((Number) pool().get("workers_ready")).intValue() == 2);
        command("reload", Map.of());
        tick(Duration.ofMillis(200));
        eventually("a successor for slot 0", () -> launched.size() == 3);
        supervisor.post(new SupervisorEvent.Ready(launched.get(2).id));
        tick(Duration.ofMillis(200));
        eventually("a successor for slot 1", () -> launched.size() == 4);

        command("scale", Map.of("workers", 1)); // slot 1 goes while its successor starts
        launched.get(1).exit(0);
        launched.get(3).exit(0);
        tick(Duration.ofMillis(200));
        eventually("the reload is over", () -> "RUNNING".equals(pool().get("state")));

        command("reload", Map.of());
        tick(Duration.ofMillis(200));
        eventually("a later reload starts a successor", () -> launched.size() == 5);
        assertThat(launched.get(4).slot).isEqualTo(0);
    }

    // --- helpers -------------------------------------------------------------------------------

    private void tick(Duration d) {
        clock.advance(d);
        // the loop ticks within 100 ms of real time; a status round trip proves it has run since
        sleep(150);
        pool();
    }

    private Map<String, Object> command(String name, Map<String, Object> args) {
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        supervisor.post(new SupervisorEvent.Command(name, args, reply));
        try {
            return reply.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer to " + name, e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> pool() {
        return (Map<String, Object>) command("status", Map.of()).get("pool");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> slotRow(int slot) {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) command("status", Map.of()).get("workers");
        return rows.stream().filter(r -> r.get("slot").equals(slot)).findFirst().orElseThrow();
    }

    private static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            sleep(10);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
