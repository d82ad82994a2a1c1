package io.procpool.internal.manager;

import io.procpool.internal.ipc.HandlingTimes;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.Function;

/**
 * {@code procpool_message_handling_seconds}: per group, how long processed messages took in {@code
 * onMessage} (retries within the worker included), from the histograms the workers' reports were
 * merged into. Called by the registry during a scrape, on the HTTP endpoint's request thread.
 */
final class HandlingCollector implements Collector {

    static final String NAME = "procpool_message_handling_seconds";

    private static final double[] BOUNDS;

    static {
        double[] finite = HandlingTimes.bounds();
        BOUNDS = java.util.Arrays.copyOf(finite, finite.length + 1);
        BOUNDS[finite.length] = Double.POSITIVE_INFINITY;
    }

    private final PoolMetrics metrics;
    private final Function<String, HandlingTimes> times;

    HandlingCollector(PoolMetrics metrics, Function<String, HandlingTimes> times) {
        this.metrics = metrics;
        this.times = times;
    }

    @Override
    public MetricSnapshot collect() {
        HistogramSnapshot.Builder h = HistogramSnapshot.builder()
                .name(NAME)
                .help("time onMessage took for each processed message")
                .unit(Unit.SECONDS);
        for (String group : metrics.groupNames()) {
            HandlingTimes t = times.apply(group);
            h.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, t.counts()))
                    .sum(t.sumSeconds())
                    .labels(Labels.of("group", group))
                    .build());
        }
        return h.build();
    }
}
