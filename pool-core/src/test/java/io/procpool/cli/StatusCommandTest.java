package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Pool;
import io.procpool.PoolStatus.PoolState;
import io.procpool.PoolStatus.QueueStats;
import io.procpool.PoolStatus.Worker;
import io.procpool.PoolStatus.WorkerState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    private static Pool pool(
            String source,
            long sendsDelivered,
            long sendsDropped,
            Optional<QueueStats> queue,
            Optional<Boolean> available) {
        return new Pool(
                10,
                PoolState.RUNNING,
                "com.acme.C",
                source,
                Duration.ofSeconds(5),
                1,
                1,
                3,
                0,
                0,
                sendsDelivered,
                sendsDropped,
                queue,
                available,
                Map.of());
    }

    private static Worker worker(Map<String, String> source) {
        return new Worker(
                "default",
                0,
                1,
                11,
                WorkerState.READY,
                Duration.ofSeconds(4),
                Optional.of(Duration.ofMillis(300)),
                3,
                0,
                0,
                Duration.ZERO,
                0,
                64L << 20,
                0,
                source,
                Optional.empty());
    }

    @Test
    void aWorkerRunSourceShowsWhetherItIsReachableAndEachWorkersCounters() {
        Map<String, String> source = new LinkedHashMap<>();
        source.put("available", "false");
        source.put("read", "120");
        source.put("lag", "x".repeat(100));
        String text = StatusCommand.render(new PoolStatus(
                pool("redis", 0, 0, Optional.empty(), Optional.of(false)), List.of(), List.of(worker(source))));
        assertThat(text)
                .contains("source redis: UNAVAILABLE")
                .contains("SLOT  SOURCE")
                .containsPattern("0 +available=false  lag=x{57}\\.\\.\\.  read=120\\n");
    }

    @Test
    void workerToWorkerSendsAreShownOnceThereAreAny() {
        PoolStatus none = new PoolStatus(
                pool("tcp", 0, 0, Optional.empty(), Optional.empty()), List.of(), List.of(worker(Map.of())));
        assertThat(StatusCommand.render(none)).doesNotContain("sends");
        PoolStatus some = new PoolStatus(
                pool("tcp", 7, 2, Optional.empty(), Optional.empty()), List.of(), List.of(worker(Map.of())));
        assertThat(StatusCommand.render(some)).contains("worker-to-worker sends: 7 delivered, 2 dropped");
    }

    @Test
    void theBuiltInQueueHasNoSourceSection() {
        QueueStats queue = new QueueStats("default", "process", 5, 1, 2, 0, 10, 3, 4, 2, 0, 0, 0);
        String text = StatusCommand.render(new PoolStatus(
                pool("queue", 0, 0, Optional.of(queue), Optional.empty()), List.of(), List.of(worker(Map.of()))));
        assertThat(text)
                .doesNotContain("SOURCE")
                .doesNotContain("source queue:")
                .contains("64 MiB")
                .contains("queue default (process): depth 5, delayed 1, in flight 2, dead 0; pushed 10, acked 3 (2/s");
    }

    @Test
    void aSlotInBackoffShowsTheDelayAndTheLastExit() {
        Worker waiting = new Worker(
                "default",
                1,
                0,
                0,
                WorkerState.BACKOFF,
                Duration.ZERO,
                Optional.empty(),
                0,
                0,
                0,
                Duration.ZERO,
                3,
                -1,
                0,
                Map.of(),
                Optional.of(new PoolStatus.Backoff(2, Duration.ofSeconds(4), "exit code 1")));
        String text = StatusCommand.render(new PoolStatus(
                pool("queue", 0, 0, Optional.empty(), Optional.empty()),
                List.of(),
                List.of(worker(Map.of()), waiting)));
        assertThat(text).containsPattern("1 +- +BACKOFF +restart in 4s after 2 quick failure\\(s\\): exit code 1");
    }
}
