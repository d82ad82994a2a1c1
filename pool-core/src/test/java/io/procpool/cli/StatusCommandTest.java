package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    private static Map<String, Object> pool(String source) {
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("pid", 10);
        pool.put("state", "RUNNING");
        pool.put("consumer", "com.acme.C");
        pool.put("source", source);
        pool.put("uptime_ms", 5_000);
        pool.put("workers_target", 1);
        pool.put("workers_ready", 1);
        pool.put("processed", 3);
        pool.put("failed", 0);
        pool.put("restarts", 0);
        return pool;
    }

    private static Map<String, Object> worker(Map<String, Object> source) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("slot", 0);
        w.put("pid", 11);
        w.put("state", "READY");
        w.put("uptime_ms", 4_000);
        w.put("processed", 3);
        w.put("failed", 0);
        w.put("restarts", 0);
        w.put("rss_bytes", 64L << 20);
        if (source != null) {
            w.put("source", source);
        }
        return w;
    }

    @Test
    void aWorkerRunSourceShowsWhetherItIsReachableAndEachWorkersCounters() {
        Map<String, Object> pool = pool("redis");
        pool.put("source_available", false);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("available", "false");
        source.put("read", "120");
        source.put("lag", "x".repeat(100));
        String text = StatusCommand.render(Map.of("pool", pool, "workers", List.of(worker(source))));
        assertThat(text).contains("source redis: UNAVAILABLE").contains("SLOT  SOURCE")
                .containsPattern("0 +available=false  read=120  lag=x{57}\\.\\.\\.\\n");
    }

    @Test
    void workerToWorkerSendsAreShownOnceThereAreAny() {
        Map<String, Object> pool = pool("tcp");
        pool.put("sends_delivered", 0);
        pool.put("sends_dropped", 0);
        assertThat(StatusCommand.render(Map.of("pool", pool, "workers", List.of(worker(null))))).doesNotContain("sends");
        pool.put("sends_delivered", 7);
        pool.put("sends_dropped", 2);
        assertThat(StatusCommand.render(Map.of("pool", pool, "workers", List.of(worker(null)))))
                .contains("worker-to-worker sends: 7 delivered, 2 dropped");
    }

    @Test
    void theBuiltInQueueHasNoSourceSection() {
        String text = StatusCommand.render(Map.of("pool", pool("queue"), "workers", List.of(worker(null))));
        assertThat(text).doesNotContain("SOURCE").doesNotContain("source queue:").contains("64 MiB");
    }
}
