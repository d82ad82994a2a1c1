package io.procpool.kafka;

import io.procpool.spi.RequestSink;
import io.procpool.spi.WorkerSource;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the consumer group per worker (cooperative-sticky assignment). Records go to the
 * worker's delivery path; offsets are committed after their records finished, in batches, past
 * contiguous finished runs only ({@link OffsetTracker}), on every revoke and at a graceful stop.
 * When {@code prefetch} records are unfinished the partitions are paused and polling goes on, so a
 * slow consumer does not leave the group. A record that failed after its retries goes to the
 * dead-letter topic ({@link DeadLetters}) and then counts as finished. A consumer that fails (fenced
 * after a long pause, a broker gone for good) is closed and a new member joins after a backoff: its
 * uncommitted records are delivered again, never skipped ({@link MemberThread}).
 *
 * <p>Threads: the "kafka-poll" thread owns the KafkaConsumer (not thread-safe) and the trackers;
 * delivery threads only queue what finished and send dead letters.
 */
final class KafkaSource implements WorkerSource {

    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);
    private static final long LAG_EVERY_NS = 1_000_000_000L;
    private static final long SERVICE_POLL_EVERY_NS = 100_000_000L;
    /** Async commits go out this often at most: a crash redelivers what finished since, no more. */
    private static final long COMMIT_EVERY_NS = 100_000_000L;

    /** A finished record: its partition's tracker at the time it was polled, and its offset. */
    private record Finished(TopicPartition partition, OffsetTracker tracker, long offset) {}

    private final KafkaSettings s;
    private final DeadLetters deadLetters;
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong polled = new AtomicLong();
    private final MemberThread member;
    private volatile String assigned = "";
    private volatile String lag = "";
    private volatile long lagTotal = -1;
    private KafkaConsumer<byte[], byte[]> consumer;
    /** Records one poll returns at most: half the prefetch (up to 500), so one batch runs while the next is polled. */
    private final int maxPollRecords;
    private volatile Thread pollThread;
    private volatile boolean waitingForRoom;
    private int failedCommits;
    private long failedCommitLoggedNs = System.nanoTime() - 20_000_000_000L;

    KafkaSource(KafkaSettings s) {
        this.s = s;
        this.member = new MemberThread("kafka-poll", "Kafka consumer of group " + s.group());
        this.maxPollRecords = Math.max(1, Math.min(500, s.prefetch() / 2));
        this.deadLetters = new DeadLetters(s.bootstrap(), s.dltSuffix());
    }

    @Override
    public void start(RequestSink sink, int slot) {
        member.start(() -> {
            pollThread = Thread.currentThread();
            consumer = new KafkaConsumer<>(properties());
            try {
                consume(sink);
            } finally {
                closeConsumer();
            }
        });
        log.info("member of Kafka group {} on {}, topics {}", s.group(), s.bootstrap(), s.subscription());
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, s.startAt());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(s.consumerProperties());
        return p;
    }

    private void consume(RequestSink sink) throws InterruptedException {
        Rebalance rebalance = new Rebalance();
        if (s.topicPattern() != null) {
            consumer.subscribe(s.topicPattern(), rebalance);
        } else {
            consumer.subscribe(s.topics(), rebalance);
        }
        long lagAt = 0;
        long lastPollNs = System.nanoTime();
        long committedAt = 0;
        boolean paused = false;
        while (!member.closing()) {
            applyFinished();
            if (System.nanoTime() - committedAt >= COMMIT_EVERY_NS) {
                committedAt = System.nanoTime();
                commit(false);
            }
            if (member.stopping()) {
                Thread.sleep(10); // in-flight records finish; the close commits them
                continue;
            }
            if (inFlight.get() + maxPollRecords > s.prefetch()) {
                // No room for another poll's records: wait for the delivery path, not in poll(), which with
                // every partition paused would sleep its whole timeout. Poll (paused) now and then anyway,
                // so that a rebalance does not wait for this member.
                if (System.nanoTime() - lastPollNs < SERVICE_POLL_EVERY_NS) {
                    awaitRoom();
                    continue;
                }
                consumer.pause(consumer.assignment());
                paused = true;
            } else if (paused) {
                consumer.resume(consumer.paused());
                paused = false;
            }
            lastPollNs = System.nanoTime();
            ConsumerRecords<byte[], byte[]> records = consumer.poll(paused ? Duration.ZERO : Duration.ofMillis(100));
            if (!records.isEmpty()) {
                List<RecordRequest> batch = new ArrayList<>(records.count());
                for (TopicPartition tp : records.partitions()) {
                    OffsetTracker t = trackers.computeIfAbsent(tp, k -> new OffsetTracker());
                    String source = RecordRequest.sourceOf(tp);
                    for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                        t.handedOut(r.offset());
                        batch.add(new RecordRequest(r, tp, source, t, settlement));
                    }
                }
                inFlight.addAndGet(batch.size());
                polled.addAndGet(batch.size());
                sink.submitAll(batch);
            }
            if (System.nanoTime() - lagAt > LAG_EVERY_NS) {
                lagAt = System.nanoTime();
                readLag();
            }
        }
        applyFinished();
        commit(true);
    }

    /** Parks the poll thread until a record finishes (it unparks it) or 10 ms pass. */
    private void awaitRoom() {
        waitingForRoom = true;
        if (inFlight.get() + maxPollRecords > s.prefetch() && finished.isEmpty()) {
            LockSupport.parkNanos(10_000_000L);
        }
        waitingForRoom = false;
    }

    /** Per assigned partition: records not yet finished here (in flight, or not fetched yet). */
    private void readLag() {
        Map<String, Long> byPartition = new TreeMap<>();
        long total = 0;
        boolean known = true;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong behind = consumer.currentLag(tp);
            OffsetTracker t = trackers.get(tp);
            long l = (behind.isPresent() ? behind.getAsLong() : 0) + (t == null ? 0 : t.unfinished());
            known &= behind.isPresent();
            byPartition.put(tp.toString(), l);
            total += l;
        }
        assigned = String.join(",", byPartition.keySet());
        StringBuilder text = new StringBuilder();
        byPartition.forEach((tp, l) -> text.append(text.isEmpty() ? "" : " ").append(tp).append('=').append(l));
        lag = text.toString();
        lagTotal = known ? total : -1;
    }

    private void applyFinished() {
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
    private void commit(boolean sync) {
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
                log.warn("the final offset commit failed ({}); records since the last commit will be delivered again",
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

    /** Logs failed commits (many in a row while a rebalance runs) once per 10 s at most. Poll thread. */
    private void commitFailed(Exception e) {
        failedCommits++;
        if (System.nanoTime() - failedCommitLoggedNs > 10_000_000_000L) {
            failedCommitLoggedNs = System.nanoTime();
            log.warn("{} offset commit(s) failed, the last with {}; they are tried again", failedCommits, e.toString());
            failedCommits = 0;
        }
    }

    /** Commits what finished of partitions taken away, before another member starts on them. Poll thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
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
                log.warn("committing revoked partitions {} failed ({}); their records since the last commit will be "
                        + "delivered again", offsets.keySet(), e.toString());
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // trackers start with the first record polled
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(trackers::remove); // another member owns them already: nothing to commit
        }
    }

    private final RecordRequest.Settlement settlement = new RecordRequest.Settlement() {
        @Override
        public void done(RecordRequest r) {
            finish(r);
        }

        @Override
        public void failed(RecordRequest r, String error, int tries) {
            if (deadLetters.offer(r.record(), error, tries, "it stays uncommitted and is delivered again after a restart")) {
                finish(r);
            } else {
                inFlight.decrementAndGet(); // its offset is never committed past
            }
        }

        private void finish(RecordRequest r) {
            finished.add(new Finished(r.partition(), r.tracker(), r.record().offset()));
            inFlight.decrementAndGet();
            if (waitingForRoom) {
                LockSupport.unpark(pollThread);
            }
        }
    };

    private void closeConsumer() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) {
            return;
        }
        try {
            c.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("closing the Kafka consumer: {}", e.toString());
        }
        trackers.clear();
        assigned = "";
        lag = "";
        lagTotal = -1;
    }

    @Override
    public void stopAccepting() {
        member.stopAccepting();
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("assigned", assigned);
        m.put("lag", lag);
        m.put("lag_total", lagTotal);
        m.put("polled", polled.get());
        m.put("prefetch", s.prefetch());
        m.put("in_flight", inFlight.get());
        m.put("dead_lettered", deadLetters.sent());
        m.put("consumer_restarts", member.restarts());
        return m;
    }

    @Override
    public void close() {
        member.close();
        deadLetters.close();
    }
}
