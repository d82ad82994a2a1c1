package io.procpool.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records that failed their last try to {@code <topic><dlt_suffix>}, with headers naming where
 * they came from, after how many tries and why. The producer starts with the first dead letter.
 * Thread-safe: delivery threads call {@link #send}; KafkaProducer is thread-safe.
 */
final class DeadLetters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String bootstrap;
    private final String suffix;
    private final AtomicLong sent = new AtomicLong();
    private volatile KafkaProducer<byte[], byte[]> producer;

    DeadLetters(String bootstrap, String suffix) {
        this.bootstrap = bootstrap;
        this.suffix = suffix;
    }

    /** The dead-letter topic of {@code topic}. */
    String topicFor(String topic) {
        return topic + suffix;
    }

    /**
     * Sends {@code r} (see {@link #send}) and logs where it went; false, logged as an error saying what
     * happens to the record instead ({@code otherwise}), when the dead-letter topic cannot be written.
     */
    boolean offer(ConsumerRecord<byte[], byte[]> r, String error, int tries, String otherwise) {
        String id = r.topic() + "-" + r.partition() + "@" + r.offset();
        try {
            send(r, error, tries);
            log.warn("record {} went to dead-letter topic {} after {} tr{}: {}", id, topicFor(r.topic()), tries,
                    tries == 1 ? "y" : "ies", error);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("record {} failed and could not reach {} ({}); {}", id, topicFor(r.topic()), e.toString(), otherwise);
        }
        return false;
    }

    /** Sends {@code r} with its origin headers and waits for the broker (acks=all); throws when it cannot. */
    void send(ConsumerRecord<byte[], byte[]> r, String error, int tries) throws Exception {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topicFor(r.topic()), null, r.key(), r.value());
        dead.headers().add("procpool.original.topic", bytes(r.topic()));
        dead.headers().add("procpool.original.partition", bytes(Integer.toString(r.partition())));
        dead.headers().add("procpool.original.offset", bytes(Long.toString(r.offset())));
        dead.headers().add("procpool.attempts", bytes(Integer.toString(tries)));
        dead.headers().add("procpool.error", bytes(error));
        r.headers().forEach(h -> dead.headers().add(h));
        producer().send(dead).get(30, TimeUnit.SECONDS);
        sent.incrementAndGet();
    }

    long sent() {
        return sent.get();
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
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
