package io.procpool.internal.config;

import io.procpool.spi.SourceSettings;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a worker runs with, as the manager decides it for that worker and sends it in WELCOME: the
 * consumer, its concurrency, this worker's own {@code max_requests} (jittered), the ack batch for the
 * source's credit window, the retry policy, the pool's id and the queue {@code ctx.push} may push to.
 * {@link #config} is the pool's configuration, flattened; the source's keys come from it, and the
 * consumer sees it through {@link #consumerView}. Immutable; the wire form ({@link #toWire}) is the only place that names
 * the keys, so manager and worker cannot disagree on them.
 *
 * @param poolQueue the built-in queue this pool serves, or null when the source is another
 */
public record WorkerSettings(
        String consumer,
        int concurrency,
        long maxRequests,
        int ackBatch,
        RetrySettings retry,
        String poolId,
        String poolQueue,
        Map<String, String> config) {

    /** Keys of the manager's own, kept apart from the configuration the consumer sees. */
    private static final String CONSUMER = "worker.consumer";

    private static final String CONCURRENCY = "worker.concurrency";
    private static final String MAX_REQUESTS = "worker.max_requests";
    private static final String ACK_BATCH = "worker.ack_batch";
    private static final String POOL_ID = "pool.id";
    private static final String POOL_QUEUE = "pool.queue";
    private static final String RETRY = "worker.retry.";

    /** Outcomes wait at most for this many deliveries before they are sent, so acks stay batched. */
    private static final int MAX_ACK_BATCH = 512;

    public WorkerSettings {
        config = Collections.unmodifiableMap(new TreeMap<>(config));
    }

    /**
     * Acks go back after a quarter of the credit window ({@code prefetch}) at most: the manager
     * refills the window while the rest runs, and a worker that dies loses little finished work.
     */
    public static int ackBatchFor(int prefetch) {
        return Math.max(1, Math.min(MAX_ACK_BATCH, prefetch / 4));
    }

    /** The source's keys without their {@code source.} prefix. */
    public SourceSettings source() {
        Map<String, String> values = new TreeMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith("source.")) {
                values.put(k.substring("source.".length()), v);
            }
        });
        return SourceSettings.of(values);
    }

    /** The source type, for messages. */
    public String sourceType() {
        return config.getOrDefault("source.type", SourceSettings.DEFAULT_TYPE);
    }

    /**
     * What {@code ctx.config()} shows: the configuration with the consumer class, {@code concurrency},
     * {@code source.type} and the effective {@code retry.*} always present, and none of the manager's own keys.
     */
    public Map<String, String> consumerView() {
        Map<String, String> view = new TreeMap<>(config);
        view.put("consumer", consumer);
        view.put("concurrency", Integer.toString(concurrency));
        view.put("source.type", sourceType());
        view.putAll(retry.asSettings());
        return Collections.unmodifiableMap(view);
    }

    /** The dotted keys WELCOME carries. */
    public Map<String, String> toWire() {
        Map<String, String> wire = new TreeMap<>(config);
        wire.put(CONSUMER, consumer);
        wire.put(CONCURRENCY, Integer.toString(concurrency));
        wire.put(MAX_REQUESTS, Long.toString(maxRequests));
        wire.put(ACK_BATCH, Integer.toString(ackBatch));
        wire.put(POOL_ID, poolId);
        if (poolQueue != null) {
            wire.put(POOL_QUEUE, poolQueue);
        }
        retry.asSettings().forEach((k, v) -> wire.put("worker." + k, v));
        return wire;
    }

    /**
     * Reads what {@link #toWire} wrote.
     *
     * @throws IllegalArgumentException when a key of the manager's own is missing or garbled: the
     *     manager and this worker are from different builds
     */
    public static WorkerSettings fromWire(Map<String, String> wire) {
        Map<String, String> config = new TreeMap<>();
        Map<String, String> retry = new TreeMap<>();
        wire.forEach((k, v) -> {
            if (k.startsWith(RETRY)) {
                retry.put(k.substring("worker.".length()), v);
            } else if (!k.startsWith("worker.") && !k.startsWith("pool.")) {
                config.put(k, v);
            }
        });
        try {
            return new WorkerSettings(
                    required(wire, CONSUMER),
                    Integer.parseInt(required(wire, CONCURRENCY)),
                    Long.parseLong(required(wire, MAX_REQUESTS)),
                    Integer.parseInt(required(wire, ACK_BATCH)),
                    RetrySettings.fromSettings(retry),
                    required(wire, POOL_ID),
                    wire.get(POOL_QUEUE),
                    config);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a garbled WELCOME setting: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> wire, String key) {
        String value = wire.get(key);
        if (value == null) {
            throw new IllegalArgumentException(
                    "WELCOME has no " + key + " (are the manager and worker from the same build? " + "keys: "
                            + List.copyOf(new TreeMap<>(wire).keySet()) + ")");
        }
        return value;
    }
}
