package io.procpool.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets a consumer-group member commits: one {@link OffsetTracker} per partition it polled,
 * the records delivery threads finished (queued, applied by the poll thread), and the commits
 * themselves: asynchronous in the run, synchronous at a revoke and at the end, each only past
 * contiguous finished records. Threads: delivery threads call {@link #finished}; everything else
 * is the poll thread's, which owns the consumer.
 */
final class PartitionOffsets {

    private static final Logger log = LoggerFactory.getLogger(PartitionOffsets.class);

    /** A finished record: its partition's tracker at the time it was polled, and its offset. */
    private record Finished(TopicPartition partition, OffsetTracker tracker, long offset) {}

    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private int failedCommits;
    private long failedCommitLoggedNs = System.nanoTime() - 20_000_000_000L;

    /** The tracker of {@code tp}, made with the partition's first record polled here. */
    OffsetTracker tracker(TopicPartition tp) {
        return trackers.computeIfAbsent(tp, k -> new OffsetTracker());
    }

    /** Records not yet finished here of {@code tp} (polled, in flight or queued). */
    long unfinished(TopicPartition tp) {
        OffsetTracker t = trackers.get(tp);
        return t == null ? 0 : t.unfinished();
    }

    /** A record of {@code tracker}'s partition finished. Any thread. */
    void finished(TopicPartition tp, OffsetTracker tracker, long offset) {
        finished.add(new Finished(tp, tracker, offset));
    }

    boolean anyFinishedUnapplied() {
        return !finished.isEmpty();
    }

    void applyFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            if (trackers.get(f.partition()) == f.tracker()) { // else revoked since: its commit is someone else's
                f.tracker().finished(f.offset());
            }
        }
    }

    /**
     * Commits every partition whose offset can advance; synchronously at a stop. A failed commit is
     * not lost: its partitions commit again next round (or at their revoke), and meanwhile a crash
     * only means records delivered again.
     */
    void commit(KafkaConsumer<byte[], byte[]> consumer, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        trackers.forEach((tp, t) -> {
            long o = sync ? t.position() : t.toCommit();
            if (o >= 0) {
                offsets.put(tp, new OffsetAndMetadata(o));
                t.committed(o);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets);
            } catch (RuntimeException e) {
                log.warn(
                        "the final offset commit failed ({}); records since the last commit will be delivered again",
                        e.toString());
            }
        } else {
            // The callback runs on this thread, inside a later poll or commit.
            consumer.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    commitFailed(e);
                    offsets.keySet().forEach(tp -> {
                        OffsetTracker t = trackers.get(tp);
                        if (t != null) {
                            t.commitFailed();
                        }
                    });
                }
            });
        }
    }

    /** Commits what finished of partitions taken away, before another member starts on them. */
    void revoked(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        applyFinished();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetTracker t = trackers.remove(tp);
            long o = t == null ? -1 : t.position();
            if (o >= 0) {
                offsets.put(tp, new OffsetAndMetadata(o));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (RuntimeException e) {
            // A rebalance in progress or a fenced member: the next owner starts from the last commit that
            // took, so some records run twice; none is skipped. Throwing here would end this consumer.
            log.warn(
                    "committing revoked partitions {} failed ({}); their records since the last commit will be "
                            + "delivered again",
                    offsets.keySet(),
                    e.toString());
        }
    }

    /** Partitions another member owns already: nothing to commit. */
    void lost(Collection<TopicPartition> partitions) {
        partitions.forEach(trackers::remove);
    }

    void clear() {
        trackers.clear();
    }

    /** Logs failed commits (many in a row while a rebalance runs) once per 10 s at most. */
    private void commitFailed(Exception e) {
        failedCommits++;
        if (System.nanoTime() - failedCommitLoggedNs > 10_000_000_000L) {
            failedCommitLoggedNs = System.nanoTime();
            log.warn("{} offset commit(s) failed, the last with {}; they are tried again", failedCommits, e.toString());
            failedCommits = 0;
        }
    }
}
