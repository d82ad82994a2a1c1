package io.procpool.kafka;

import io.procpool.spi.Request;
import io.procpool.spi.RequestSink;
import io.procpool.spi.WorkerSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the consumer group per worker (cooperative-sticky assignment). Records go to the
 * worker's delivery path; offsets are committed after their records finished, in batches, past
 * contiguous finished runs only ({@link OffsetTracker}), on every revoke and at a graceful stop.
 * When {@code prefetch} records are unfinished the partitions are paused and polling goes on, so a
 * slow consumer does not leave the group. A record that failed after its retries goes to
 * {@code <topic>.dlt} with headers naming where it came from and why, and then counts as finished.
 *
 * <p>Threads: the "kafka-poll" thread owns the KafkaConsumer (not thread-safe); delivery threads
 * only queue what finished and send dead letters (KafkaProducer is thread-safe).
 */
final class KafkaSource implements WorkerSource {

    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);

    private record Finished(TopicPartition partition, long offset) {}

    private final KafkaSettings s;
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong polled = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean stopping;
    private volatile boolean closing;
    private volatile String assigned = "";
    private KafkaConsumer<byte[], byte[]> consumer;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private Thread thread;

    KafkaSource(KafkaSettings s) {
        this.s = s;
    }

    @Override
    public void start(RequestSink sink, int slot) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.min(s.prefetch(), 500)));
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(s.consumerProperties());
        consumer = new KafkaConsumer<>(p);
        thread = Thread.ofPlatform().name("kafka-poll").daemon().start(() -> pollLoop(sink));
        log.info("member of Kafka group {} on {}, topics {}", s.group(), s.bootstrap(), s.topics());
    }

    private void pollLoop(RequestSink sink) {
        try {
            consumer.subscribe(s.topics(), new Rebalance());
            while (!closing) {
                applyFinished();
                commit(false);
                if (stopping) {
                    Thread.sleep(10); // in-flight records finish; close() commits them
                    continue;
                }
                if (inFlight.get() >= s.prefetch()) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    trackers.computeIfAbsent(tp, k -> new OffsetTracker()).handedOut(r.offset());
                    inFlight.incrementAndGet();
                    polled.incrementAndGet();
                    sink.submit(new KafkaRequest(r));
                }
                assigned = consumer.assignment().toString();
            }
            applyFinished();
            commit(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the Kafka consumer failed: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void applyFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            OffsetTracker t = trackers.get(f.partition());
            if (t != null) {
                t.finished(f.offset());
            }
        }
    }

    /** Commits every partition whose offset can advance; synchronously at a revoke or a stop. */
    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        trackers.forEach((tp, t) -> {
            long o = t.toCommit();
            if (o >= 0) {
                offsets.put(tp, new OffsetAndMetadata(o));
                t.committed(o);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    log.warn("an offset commit failed ({}); its records may be delivered again", e.toString());
                }
            });
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
                long o = t == null ? -1 : t.toCommit();
                if (o >= 0) {
                    offsets.put(tp, new OffsetAndMetadata(o));
                }
            }
            if (!offsets.isEmpty()) {
                consumer.commitSync(offsets);
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

    /** One record. */
    private final class KafkaRequest implements Request {
        private final ConsumerRecord<byte[], byte[]> r;

        KafkaRequest(ConsumerRecord<byte[], byte[]> r) {
            this.r = r;
        }

        @Override
        public byte[] body() {
            return r.value() == null ? new byte[0] : r.value();
        }

        @Override
        public String id() {
            return r.topic() + "-" + r.partition() + "@" + r.offset();
        }

        @Override
        public Map<String, String> headers() {
            if (!r.headers().iterator().hasNext() && r.key() == null) {
                return Map.of();
            }
            Map<String, String> h = new LinkedHashMap<>();
            if (r.key() != null) {
                h.put("kafka.key", new String(r.key(), StandardCharsets.UTF_8));
            }
            for (Header header : r.headers()) {
                h.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
            }
            return h;
        }

        @Override
        public String source() {
            return "kafka:" + r.topic() + "/" + r.partition();
        }

        @Override
        public void reply(byte[] reply) {
            throw new UnsupportedOperationException("a Kafka record carries no replies");
        }

        @Override
        public void done() {
            finish();
        }

        @Override
        public void failed(String error) {
            String dlt = r.topic() + s.dltSuffix();
            ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(dlt, null, r.key(), r.value());
            dead.headers().add("procpool.original.topic", bytes(r.topic()));
            dead.headers().add("procpool.original.partition", bytes(Integer.toString(r.partition())));
            dead.headers().add("procpool.original.offset", bytes(Long.toString(r.offset())));
            dead.headers().add("procpool.error", bytes(error));
            r.headers().forEach(h -> dead.headers().add(h));
            try {
                producer().send(dead).get();
                deadLettered.incrementAndGet();
                log.warn("record {} went to dead-letter topic {}: {}", id(), dlt, error);
                finish();
            } catch (Exception e) {
                // Not finished: its offset is not committed past, and it is delivered again after a restart.
                log.error("record {} failed and could not reach {} ({}); it stays uncommitted", id(), dlt, e.toString());
                inFlight.decrementAndGet();
            }
        }

        private void finish() {
            finished.add(new Finished(new TopicPartition(r.topic(), r.partition()), r.offset()));
            inFlight.decrementAndGet();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                    producer = new KafkaProducer<>(props);
                }
                p = producer;
            }
        }
        return p;
    }

    @Override
    public void stopAccepting() {
        stopping = true;
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("assigned", assigned);
        m.put("polled", polled.get());
        m.put("in_flight", inFlight.get());
        m.put("dead_lettered", deadLettered.get());
        return m;
    }

    @Override
    public void close() {
        stopping = true;
        closing = true;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
