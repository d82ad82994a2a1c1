package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.PoolListener;
import io.procpool.PoolStatus;
import io.procpool.PoolStatus.PoolState;
import io.procpool.PoolStatus.WorkerState;
import io.procpool.internal.TestClock;
import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.control.StatusCodec;
import io.procpool.internal.queue.MemoryQueueStore;
import io.procpool.internal.queue.QueueEngine;
import io.procpool.internal.queue.QueueFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The supervisor driven by a fake launcher and a clock the test moves, its loop stepped by the test (no
 * thread, no sleeps): restart, backoff, deadlines, reload, scale.
 */
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
    private final List<FakeWorker> launched = new ArrayList<>();
    private final List<String> listened = new ArrayList<>();
    private Supervisor supervisor;

    @BeforeEach
    void startSupervisor() {
        PoolConfig config = ConfigLoader.load(
                null,
                Map.of(),
                Map.of(
                        "consumer",
                        "com.acme.C",
                        "workers",
                        "2",
                        "min_uptime",
                        "5s",
                        "restart_backoff",
                        "1s",
                        "restart_max_backoff",
                        "8s",
                        "max_wait_time",
                        "2s"));
        WorkerLauncher launcher = (slot, id, cfg, workers) -> {
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
        supervisor = new Supervisor(
                config, launcher, new QueueFeed(queue), queue, clock, List.of(listener), () -> config, new WorkerIds());
        supervisor.start();
        supervisor.drain();
    }

    @Test
    void spawnsOneWorkerPerSlot() {
        assertThat(launched).extracting(w -> w.slot).containsExactly(0, 1);
        assertThat(listened)
                .as("listeners hear of a start just after the launch")
                .containsExactly("start 0", "start 1");
    }

    @Test
    void aWorkerThatLivedPastMinUptimeIsReplacedAtOnce() {
        ready(launched.get(0), launched.get(1));
        clock.advance(Duration.ofSeconds(10));
        exit(launched.get(1), 137);
        assertThat(launched).hasSize(3);
        assertThat(launched.get(2).slot).isEqualTo(1);
        assertThat(slotRow(1).restarts()).isEqualTo(1);
        assertThat(listened).contains("exit 1 137");
    }

    @Test
    void aQuicklyDyingSlotWaitsLongerEachTime() {
        exit(launched.get(0), 5);
        assertThat(slotRow(0).state()).isEqualTo(WorkerState.BACKOFF);
        assertThat(slotRow(0).backoff().orElseThrow().nextStartIn()).isEqualTo(Duration.ofSeconds(1));
        tick(Duration.ofMillis(900));
        assertThat(launched).hasSize(2);
        tick(Duration.ofMillis(200));
        assertThat(launched).as("slot 0 restarted after 1 s").hasSize(3);

        exit(launched.get(2), 5);
        assertThat(slotRow(0).backoff())
                .contains(new PoolStatus.Backoff(2, Duration.ofSeconds(2), "consumer onStart threw"));
    }

    @Test
    void aGracefulStopKillsWorkersStillAliveAtTheDeadline() {
        exit(launched.get(0), 0); // a worker that stops in time; the other ignores the stop
        command("stop", Map.of());
        tick(Duration.ofMillis(1_900));
        assertThat(launched.get(1).killed).isFalse();
        tick(Duration.ofMillis(200));
        assertThat(launched.get(1).killed)
                .as("the straggler killed at max_wait_time")
                .isTrue();
        assertThat(supervisor.finished()).isTrue();
        assertThat(supervisor.finish()).isZero();
        assertThat(launched).hasSize(2);
    }

    @Test
    void aRollingReloadReplacesOneSlotAtATimeAfterItsSuccessorIsReady() {
        ready(launched.get(0), launched.get(1));
        assertThat(pool().workersReady()).isEqualTo(2);
        command("reload", Map.of());
        tick(Duration.ofMillis(200));
        assertThat(launched).as("a successor for slot 0").hasSize(3);
        assertThat(launched.get(2).slot).isEqualTo(0);
        tick(Duration.ofMillis(200));
        assertThat(launched)
                .as("slot 1 waits until slot 0's successor is ready")
                .hasSize(3);
        assertThat(pool().workersReady()).isEqualTo(2);

        ready(launched.get(2));
        assertThat(launched).as("a successor for slot 1, at once").hasSize(4);
        assertThat(launched.get(3).slot).isEqualTo(1);
        assertThat(pool().workersReady()).isEqualTo(2);
    }

    @Test
    void scalingDownTheSlotThatIsBeingReloadedEndsItsReloadAndLaterReloadsWork() {
        ready(launched.get(0), launched.get(1));
        command("reload", Map.of());
        tick(Duration.ofMillis(200));
        ready(launched.get(2));
        assertThat(launched).as("a successor for slot 1").hasSize(4);

        command("scale", Map.of("workers", 1)); // slot 1 goes while its successor starts
        exit(launched.get(1), 0);
        exit(launched.get(3), 0);
        tick(Duration.ofMillis(200));
        assertThat(pool().state()).as("the reload is over").isEqualTo(PoolState.RUNNING);

        command("reload", Map.of());
        tick(Duration.ofMillis(200));
        assertThat(launched).as("a later reload starts a successor").hasSize(5);
        assertThat(launched.get(4).slot).isEqualTo(0);
    }

    @Test
    void aBadCommandIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> ControlCommand.parse("scale", Map.of("workers", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workers must be from 1 to 1024");
        assertThatThrownBy(() -> ControlCommand.parse("explode", Map.of()))
                .hasMessageContaining("unknown command explode");
    }

    // --- helpers -------------------------------------------------------------------------------

    private void ready(FakeWorker... workers) {
        for (FakeWorker w : workers) {
            supervisor.post(new SupervisorEvent.Ready(w.id));
        }
        supervisor.drain();
    }

    private void exit(FakeWorker w, int code) {
        w.exit(code);
        supervisor.drain();
    }

    /** Moves the clock, then lets the loop run its periodic checks. */
    private void tick(Duration d) {
        clock.advance(d);
        supervisor.drain();
    }

    private Map<String, Object> command(String name, Map<String, Object> args) {
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        supervisor.post(new SupervisorEvent.Command(ControlCommand.parse(name, args), reply));
        supervisor.drain();
        assertThat(reply).as("answered within the step").isDone();
        return reply.join();
    }

    private PoolStatus status() {
        return StatusCodec.fromMap(command("status", Map.of()));
    }

    private PoolStatus.Pool pool() {
        return status().pool();
    }

    private PoolStatus.Worker slotRow(int slot) {
        return status().slot(slot).orElseThrow();
    }
}
