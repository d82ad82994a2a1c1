package io.procpool.kafka;

import io.procpool.spi.RequestSink;
import io.procpool.spi.WorkerSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * <p>Threads: the "kafka-poll" thread owns the KafkaConsumer (not thread-safe) and the offsets
 * ({@link PartitionOffsets}); delivery threads only queue what finished and send dead letters.
 */
final class GroupSource implements WorkerSource {

    private static final Logger log = LoggerFactory.getLogger(GroupSource.class);
    private static final long LAG_EVERY_NS = 1_000_000_000L;
    private static final long SERVICE_POLL_EVERY_NS = 100_000_000L;
    /** Async commits go out this often at most: a crash redelivers what finished since, no more. */
    private static final long COMMIT_EVERY_NS = 100_000_000L;

    private final KafkaSettings s;
    private final DeadLetters deadLetters;
    private final PartitionOffsets offsets = new PartitionOffsets();
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

    GroupSource(KafkaSettings s) {
        this.s = s;
        this.member = new MemberThread("kafka-poll", "Kafka consumer of group " + s.group());
        this.maxPollRecords = Math.max(1, Math.min(500, s.prefetch() / 2));
        this.deadLetters = new DeadLetters(s.bootstrap(), s.dltSuffix(), s.producerProperties());
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
            offsets.applyFinished();
            if (System.nanoTime() - committedAt >= COMMIT_EVERY_NS) {
                committedAt = System.nanoTime();
                offsets.commit(consumer, false);
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
                    OffsetTracker t = offsets.tracker(tp);
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
        offsets.applyFinished();
        offsets.commit(consumer, true);
    }

    /** Parks the poll thread until a record finishes (it unparks it) or 10 ms pass. */
    private void awaitRoom() {
        waitingForRoom = true;
        if (inFlight.get() + maxPollRecords > s.prefetch() && !offsets.anyFinishedUnapplied()) {
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
            long l = (behind.isPresent() ? behind.getAsLong() : 0) + offsets.unfinished(tp);
            known &= behind.isPresent();
            byPartition.put(tp.toString(), l);
            total += l;
        }
        assigned = String.join(",", byPartition.keySet());
        StringBuilder text = new StringBuilder();
        byPartition.forEach((tp, l) ->
                text.append(text.isEmpty() ? "" : " ").append(tp).append('=').append(l));
        lag = text.toString();
        lagTotal = known ? total : -1;
    }

    /** Commits what finished of partitions taken away, before another member starts on them. Poll thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            offsets.revoked(consumer, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // trackers start with the first record polled
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.lost(partitions);
        }
    }

    private final RecordRequest.Settlement settlement = new RecordRequest.Settlement() {
        @Override
        public void done(RecordRequest r) {
            finish(r);
        }

        @Override
        public void failed(RecordRequest r, String error, int tries) {
            // Until its dead letter is written the record stays unfinished (and in flight): no commit passes it.
            deadLetters.sendEventually(r.record(), error, tries, () -> finish(r));
        }

        private void finish(RecordRequest r) {
            offsets.finished(r.partition(), r.tracker(), r.record().offset());
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
            c.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            log.warn("closing the Kafka consumer: {}", e.toString());
        }
        offsets.clear();
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
        m.put("dead_letters_waiting", deadLetters.waiting());
        if (deadLetters.waiting() > 0) {
            m.put("dead_letter_error", deadLetters.lastError());
        }
        m.put("consumer_restarts", member.restarts());
        return m;
    }

    @Override
    public void close() {
        member.close();
        deadLetters.close();
    }
}
