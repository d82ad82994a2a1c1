package io.procpool.internal.queue;

import io.procpool.internal.config.QueueSettings;

/**
 * What a reload may change of the built-in queue: its settings (prefetch, limits, delays; the name
 * and durability stay), {@code max_deliveries}, and the workers' {@code concurrency} (how many of a
 * worker's messages can have started). Immutable.
 */
record QueueLimits(QueueSettings settings, int maxDeliveries, int concurrency) {}
