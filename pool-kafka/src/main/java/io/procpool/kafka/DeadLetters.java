package io.procpool.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * they came from, after how many tries and why. The producer starts with the first dead letter, with
 * the consumer's security settings and any {@code source.producer.*}.
 *
 * <p>A write that fails is tried again in the background with backoff ({@link #sendEventually}) until it
 * is written or the source closes; meanwhile its record stays unfinished, so no offset is committed past
 * an unwritten dead letter, and status shows how many wait and why.
 *
 * <p>Thread-safe: delivery threads call {@link #offer} and {@link #sendEventually}; a virtual thread per
 * waiting dead letter retries it (they are bounded by the source's prefetch, since each holds its
 * record in flight); KafkaProducer is thread-safe.
 */
final class DeadLetters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final String bootstrap;
    private final String suffix;
    private final Map<String, String> producerProperties;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile String lastError = "";
    private volatile boolean closed;
    private volatile KafkaProducer<byte[], byte[]> producer;

    DeadLetters(String bootstrap, String suffix, Map<String, String> producerProperties) {
        this.bootstrap = bootstrap;
        this.suffix = suffix;
        this.producerProperties = Map.copyOf(producerProperties);
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
            log.warn(
                    "record {} went to dead-letter topic {} after {} tr{}: {}",
                    id,
                    topicFor(r.topic()),
                    tries,
                    tries == 1 ? "y" : "ies",
                    error);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastError = id + ": " + e;
            log.error(
                    "record {} failed and could not reach {} ({}); {}",
                    id,
                    topicFor(r.topic()),
                    e.toString(),
                    otherwise);
        }
        return false;
    }

    /**
     * Sends {@code r} (see {@link #send}); when the dead-letter topic cannot be written, tries again in the
     * background (1 s doubling to 30 s) until it can, and runs {@code written} once it is. Any thread.
     */
    void sendEventually(ConsumerRecord<byte[], byte[]> r, String error, int tries, Runnable written) {
        if (offer(
                r,
                error,
                tries,
                "trying again in " + FIRST_RETRY.toSeconds() + " s; its partition commits no further")) {
            written.run();
            return;
        }
        waiting.incrementAndGet();
        Thread.ofVirtual().name("kafka-dead-letters").start(() -> {
            Duration wait = FIRST_RETRY;
            String id = r.topic() + "-" + r.partition() + "@" + r.offset();
            while (!closed) {
                try {
                    Thread.sleep(wait);
                    send(r, error, tries);
                    log.warn(
                            "record {} went to dead-letter topic {} after {} tr{} (written on a retry): {}",
                            id,
                            topicFor(r.topic()),
                            tries,
                            tries == 1 ? "y" : "ies",
                            error);
                    waiting.decrementAndGet();
                    written.run();
                    return;
                } catch (InterruptedException e) {
                    break;
                } catch (Exception e) {
                    lastError = id + ": " + e;
                    wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
                    log.error(
                            "record {} still cannot reach {} ({}); next try in {} s",
                            id,
                            topicFor(r.topic()),
                            e,
                            wait.toSeconds());
                }
            }
            // closed: the record stays uncommitted and is delivered again to the partition's next owner
            waiting.decrementAndGet();
        });
    }

    /** Dead letters not written yet, being tried again. */
    int waiting() {
        return waiting.get();
    }

    /** Why the last retried write failed, or "". */
    String lastError() {
        return lastError;
    }

    /** Sends {@code r} with its origin headers and waits for the broker (acks=all); throws when it cannot. */
    void send(ConsumerRecord<byte[], byte[]> r, String error, int tries) throws Exception {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topicFor(r.topic()), null, r.key(), r.value());
        dead.headers().add("procpool.original.topic", bytes(r.topic()));
        dead.headers().add("procpool.original.partition", bytes(Integer.toString(r.partition())));
        dead.headers().add("procpool.original.offset", bytes(Long.toString(r.offset())));
        dead.headers().add("procpool.tries", bytes(Integer.toString(tries)));
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
                    props.putAll(producerProperties);
                    producer = new KafkaProducer<>(props);
                }
                p = producer;
            }
        }
        return p;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
