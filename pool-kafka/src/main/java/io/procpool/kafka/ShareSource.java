package io.procpool.kafka;

import io.procpool.spi.RequestSink;
import io.procpool.spi.WorkerSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mode: share}: every worker is a member of a Kafka share group (KIP-932), so workers may
 * outnumber partitions; the broker hands out records, not partitions. Each record is acknowledged
 * after it ran: ACCEPT when the consumer returned; after its last try it goes to the dead-letter topic
 * and is REJECTed (archived), or RELEASEd for another delivery when the dead-letter topic cannot be
 * written. A worker that dies holds its records until their acquisition lock times out; then the
 * broker delivers them again, with a higher delivery count ({@code Message.attempt()}).
 *
 * <p>Threads: the "kafka-share-poll" thread owns the KafkaShareConsumer (not thread-safe). In explicit
 * acknowledgement mode a poll's records must all be acknowledged before the next poll, so that thread
 * hands a poll's records to the delivery path and then applies their outcomes, queued by delivery
 * threads, as they arrive.
 */
final class ShareSource implements WorkerSource {

    private static final Logger log = LoggerFactory.getLogger(ShareSource.class);

    private record Outcome(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {}

    private final KafkaSettings s;
    private final DeadLetters deadLetters;
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final AtomicLong polled = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    private final MemberThread member;
    private volatile int inFlight;
    private boolean startingPointSet;

    ShareSource(KafkaSettings s) {
        this.s = s;
        this.member = new MemberThread("kafka-share-poll", "Kafka share consumer of group " + s.group());
        this.deadLetters = new DeadLetters(s.bootstrap(), s.dltSuffix(), s.producerProperties());
    }

    @Override
    public void start(RequestSink sink, int slot) {
        member.start(() -> {
            if (!startingPointSet) {
                setStartingPoint();
                startingPointSet = true;
            }
            KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(properties());
            try {
                consume(consumer, sink);
            } finally {
                try {
                    consumer.close(Duration.ofSeconds(5)); // commits what was acknowledged, releases the rest
                } catch (RuntimeException e) {
                    log.warn("closing the Kafka share consumer: {}", e.toString());
                }
            }
        });
        log.info("member of Kafka share group {} on {}, topics {}", s.group(), s.bootstrap(), s.topics());
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
        p.put("share.acknowledgement.mode", "explicit");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.min(s.prefetch(), 500)));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(s.consumerProperties());
        return p;
    }

    /**
     * Share groups start at the latest record unless the group says otherwise; a pool, like the
     * consumer-group mode, starts at {@code start_at} (earliest by default) for partitions the group
     * has not started on. Best effort: a broker that refuses leaves the group's own setting.
     */
    private void setStartingPoint() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap()))) {
            ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, s.group());
            admin.incrementalAlterConfigs(Map.of(
                            group,
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("share.auto.offset.reset", s.startAt()),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn(
                    "could not set share.auto.offset.reset={} on share group {} ({}); the group's setting applies",
                    s.startAt(),
                    s.group(),
                    e.toString());
        }
    }

    private void consume(KafkaShareConsumer<byte[], byte[]> consumer, RequestSink sink) throws InterruptedException {
        consumer.subscribe(s.topics());
        while (!member.closing() && !member.stopping()) {
            List<RecordRequest> batch = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                batch.add(new RecordRequest(r, tp, RecordRequest.sourceOf(tp), null, settlement));
            }
            polled.addAndGet(batch.size());
            inFlight = batch.size();
            sink.submitAll(batch);
            awaitOutcomes(consumer, batch.size());
        }
        if (!member.closing()) {
            consumer.commitSync(Duration.ofSeconds(10));
        }
    }

    /** Acknowledges the {@code n} records of the last poll as they finish. Stops early only when closing. */
    private void awaitOutcomes(KafkaShareConsumer<byte[], byte[]> consumer, int n) throws InterruptedException {
        int left = n;
        while (left > 0 && !member.closing()) {
            Outcome o = outcomes.poll(50, TimeUnit.MILLISECONDS);
            if (o != null) {
                consumer.acknowledge(o.record(), o.type());
                inFlight = --left;
            }
        }
    }

    private final RecordRequest.Settlement settlement = new RecordRequest.Settlement() {
        @Override
        public void done(RecordRequest r) {
            outcomes.add(new Outcome(r.record(), AcknowledgeType.ACCEPT));
        }

        @Override
        public void failed(RecordRequest r, String error, int tries) {
            if (deadLetters.offer(r.record(), error, tries, "it is released for another delivery")) {
                outcomes.add(new Outcome(r.record(), AcknowledgeType.REJECT));
            } else {
                released.incrementAndGet();
                outcomes.add(new Outcome(r.record(), AcknowledgeType.RELEASE));
            }
        }
    };

    @Override
    public void stopAccepting() {
        member.stopAccepting();
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "share");
        m.put("polled", polled.get());
        m.put("in_flight", inFlight);
        m.put("dead_lettered", deadLetters.sent());
        m.put("released", released.get());
        m.put("consumer_restarts", member.restarts());
        return m;
    }

    @Override
    public void close() {
        member.close();
        deadLetters.close();
    }
}
