package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Group;
import io.procpool.PoolStatus.Pool;
import io.procpool.PoolStatus.PoolState;
import io.procpool.PoolStatus.QueueStats;
import io.procpool.PoolStatus.Worker;
import io.procpool.PoolStatus.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A frame of {@code pool top}: rates from the frame before, the age of a busy worker's message, the backlog. */
class TopViewTest {

    private static final QueueStats QUEUE = new QueueStats("jobs", "power", 300, 5, 12, 2, 1000, 700, 0, 0, 0, 0, 2);

    private static Worker worker(int slot, long pid, long processed, int inFlight, Duration busy) {
        return new Worker(
                "default",
                slot,
                slot + 1,
                pid,
                WorkerState.READY,
                Duration.ofSeconds(30),
                Optional.of(Duration.ofMillis(200)),
                processed,
                1,
                inFlight,
                busy,
                2,
                64L << 20,
                0,
                Map.of(),
                Optional.empty());
    }

    private static PoolStatus status(long processed, Worker... workers) {
        Pool pool = new Pool(
                10,
                PoolState.RUNNING,
                "com.acme.C",
                "queue",
                Duration.ofSeconds(30),
                2,
                2,
                processed,
                1,
                2,
                0,
                0,
                Optional.of(QUEUE),
                Optional.empty(),
                Map.of());
        Group group = new Group(
                "default",
                "com.acme.C",
                "queue",
                2,
                2,
                processed,
                1,
                2,
                Optional.of(QUEUE),
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Map.of());
        return new PoolStatus(pool, List.of(group), List.of(workers));
    }

    @Test
    void theSecondFrameShowsEachWorkersRateAndABusyWorkersMessageAge() {
        TopView view = new TopView();
        List<String> first = view.frame(
                status(100, worker(0, 4001, 60, 0, Duration.ZERO), worker(1, 4002, 40, 0, Duration.ZERO)), 0);
        assertThat(first).contains(TopView.HEADER);
        assertThat(first.get(first.size() - 2))
                .as("no rate before a second frame")
                .matches(".*4001 +READY +- +- +60 .*");
        assertThat(first).contains("backlog default: queue jobs 300 waiting (5 delayed), 12 in flight, 2 dead");

        List<String> second = view.frame(
                status(400, worker(0, 4001, 260, 1, Duration.ofSeconds(3)), worker(1, 4002, 140, 0, Duration.ZERO)),
                2_000_000_000L);
        assertThat(second.get(1)).contains("processed 400 (150/s)");
        assertThat(second.get(second.size() - 2))
                .as("200 in 2 s, its message running for 3 s")
                .matches(".*4001 +READY +3s +100 +260 +1 +2 +64 MiB");
        assertThat(second.get(second.size() - 1)).matches(".*4002 +READY +- +50 +140 .*");
    }

    @Test
    void aReplacedWorkerHasNoRateUntilItsSecondFrame() {
        TopView view = new TopView();
        view.frame(status(10, worker(0, 4001, 10, 0, Duration.ZERO)), 0);
        List<String> next = view.frame(status(10, worker(0, 5001, 0, 0, Duration.ZERO)), 1_000_000_000L);
        assertThat(next.get(next.size() - 1)).matches(".*5001 +READY +- +- +0 .*");
    }
}
