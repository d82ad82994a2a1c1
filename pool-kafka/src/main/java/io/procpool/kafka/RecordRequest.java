package io.procpool.kafka;

import io.procpool.spi.Request;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * One Kafka record as the pool sees it: its value is the body, its key and headers are headers, and
 * how it ended goes to the source's {@link Settlement}. Delivery threads call {@code done}/{@code failed}.
 */
final class RecordRequest implements Request {

    /** Where a record's end goes; called on delivery threads, must not block for long. */
    interface Settlement {
        void done(RecordRequest r);

        void failed(RecordRequest r, String error, int tries);
    }

    private static final byte[] EMPTY = new byte[0];
    private final ConsumerRecord<byte[], byte[]> r;
    private final TopicPartition partition;
    private final String source;
    private final OffsetTracker tracker;
    private final Settlement settlement;

    /**
     * {@code partition}, its {@link #sourceOf source} text and {@code tracker} (the partition's offsets in a
     * consumer group; null in a share group) are shared by the records of one partition in a poll.
     */
    RecordRequest(
            ConsumerRecord<byte[], byte[]> r,
            TopicPartition partition,
            String source,
            OffsetTracker tracker,
            Settlement settlement) {
        this.r = r;
        this.partition = partition;
        this.source = source;
        this.tracker = tracker;
        this.settlement = settlement;
    }

    ConsumerRecord<byte[], byte[]> record() {
        return r;
    }

    TopicPartition partition() {
        return partition;
    }

    OffsetTracker tracker() {
        return tracker;
    }

    @Override
    public byte[] body() {
        return r.value() == null ? EMPTY : r.value();
    }

    @Override
    public String id() {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    /** The broker's delivery count in a share group; 1 in a consumer group (retries run in the worker). */
    @Override
    public int attempt() {
        return r.deliveryCount().map(Short::intValue).orElse(1);
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
        return source;
    }

    /** What {@code Message.source()} says of a record of {@code tp}. */
    static String sourceOf(TopicPartition tp) {
        return "kafka:" + tp.topic() + "/" + tp.partition();
    }

    @Override
    public void reply(byte[] reply) {
        throw new UnsupportedOperationException("a Kafka record carries no replies");
    }

    @Override
    public void done() {
        settlement.done(this);
    }

    @Override
    public void failed(String error) {
        settlement.failed(this, error, 1);
    }

    @Override
    public void failed(String error, int tries) {
        settlement.failed(this, error, tries);
    }
}
