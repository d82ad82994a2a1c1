package io.procpool.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.procpool.spi.Request;
import io.procpool.spi.RequestSink;
import io.procpool.spi.WorkerSource;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mode: stream}: a Redis Streams consumer group (created with MKSTREAM if absent). The
 * worker is consumer {@code <pool id>-<slot>}, the same after a restart, so it first takes back
 * its own pending entries, one at a time; then it reads new ones in batches (XREADGROUP COUNT) and acks
 * them in batches (many ids per XACK, {@link AckBatcher}). Every {@code claim_idle / 2} it claims entries idle longer than
 * {@code claim_idle} from any consumer (XAUTOCLAIM): those of a worker or a whole pool that died,
 * on this host or another. An entry delivered {@code max_deliveries} times without an ack goes to
 * the stream {@code <stream>:dead} with its last error (kept meanwhile in the hash
 * {@code <stream>:errors}, so whichever worker or pool dead-letters it knows it). The entry's field {@code body} is the
 * message body, its other fields are headers. With {@code max_length}, entries the group is done
 * with are trimmed ({@link StreamTrim}).
 *
 * <p>Field values are read as bytes: a body reaches the consumer as Redis holds it, without a
 * decode to text and an encode back (field names and headers are UTF-8 text).
 *
 * <p>Threads: one "redis-stream" thread reads and claims; delivery threads ack on a second
 * connection.
 */
final class StreamSource implements WorkerSource {

    private static final Logger log = LoggerFactory.getLogger(StreamSource.class);

    /** Names (stream, group, field names) as text, field values as bytes. */
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisSettings s;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> readConnection;
    private StatefulRedisConnection<String, String> ackConnection;
    private Consumer<String> consumer;
    private Window window;
    private volatile boolean stopping;
    private final Reachability reach = new Reachability();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final StreamTrim trim;
    /** What this worker holds, refreshed so that no sibling claims it while this worker lives. */
    private final HeldEntries held;

    private Thread thread;
    /** Ids of entries handled here, acked in Redis many per XACK. */
    private volatile AckBatcher<String> acks;

    StreamSource(RedisSettings s) {
        this.s = s;
        this.trim = new StreamTrim(s);
        this.held = new HeldEntries(s.claimIdle());
    }

    @Override
    public void start(RequestSink sink, int slot) {
        client = s.newClient();
        consumer = Consumer.from(s.group(), s.consumer(slot));
        window = new Window(s.prefetch(), s.batch());
        thread = reach.startReader(
                "redis-stream", this::connect, this::closeConnections, () -> stopping, () -> readLoop(sink));
    }

    /** Opens both connections and makes the group if it is missing. Starting thread, or the reader thread later. */
    @SuppressWarnings(
            "FutureReturnValueIgnored") // an ack or error record that fails is retried by redelivery (at least once)
    private void connect() {
        readConnection = client.connect(CODEC);
        ackConnection = client.connect(StringCodec.UTF8);
        try {
            readConnection
                    .sync()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(s.key(), "0"), s.group(), XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // the group exists: another worker or pool made it
        }
        RedisAsyncCommands<String, String> async = ackConnection.async();
        acks = new AckBatcher<>(
                "redis-ack", "entries", ids -> async.xack(s.key(), s.group(), ids.toArray(String[]::new)));
        log.info("reading Redis stream {} as {} of group {}", s.key(), consumer.getName(), s.group());
    }

    private void closeConnections() {
        SourceShutdown.closeQuietly(readConnection, ackConnection);
        readConnection = null;
        ackConnection = null;
    }

    @SuppressWarnings("unchecked") // one stream offset through lettuce's generic varargs
    private void readLoop(RequestSink sink) {
        RedisCommands<String, byte[]> r = readConnection.sync();
        // Where the read of this consumer's own pending entries goes on: an id read from the history
        // returns those after it, so starting at "0" again would hand out the same entries again.
        String ownPendingAfter = "0";
        long nextClaim = 0;
        while (!stopping) {
            int n = 0; // room of the window taken for the read in progress
            try {
                held.refreshIfDue(r, s.key(), consumer);
                n = window.take(held.maxWaitMillis(), TimeUnit.MILLISECONDS);
                if (n == 0) {
                    continue;
                }
                List<StreamRequest> batch;
                if (ownPendingAfter != null) {
                    if (!window.idle()) { // the entry taken back before this one still runs
                        window.fetched(0);
                        n = 0;
                        Thread.sleep(5);
                        continue;
                    }
                    // What this consumer name held when its worker died, perhaps because of one of them:
                    // taken back one at a time, so that only the culprit counts a delivery per crash.
                    // Read together, each would, and innocent entries would be dead-lettered with it.
                    List<StreamMessage<String, byte[]>> own = r.xreadgroup(
                            consumer,
                            XReadArgs.Builder.count(1),
                            XReadArgs.StreamOffset.from(s.key(), ownPendingAfter));
                    ownPendingAfter = own.isEmpty() ? null : own.getLast().getId();
                    batch = screened(r, own, true); // an entry that took its worker down every time ends here
                } else if (System.nanoTime() >= nextClaim) {
                    nextClaim = System.nanoTime() + s.claimIdle().toNanos() / 2;
                    batch = claim(r, n);
                } else {
                    batch = firstDeliveries(r.xreadgroup(
                            consumer,
                            XReadArgs.Builder.count(n).block(held.maxWaitMillis()),
                            XReadArgs.StreamOffset.lastConsumed(s.key())));
                    if (!batch.isEmpty()) {
                        trim.readUpTo(batch.getLast().id());
                    }
                }
                reach.succeeded();
                window.fetched(batch.size());
                n = 0;
                read.addAndGet(batch.size());
                batch.forEach(e -> held.add(e.id()));
                sink.submitAll(batch);
                trim.maybeTrim(r);
            } catch (RedisException e) {
                window.fetched(0);
                try {
                    reach.failed(e);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private List<StreamRequest> firstDeliveries(List<StreamMessage<String, byte[]>> messages) {
        return messages.stream().map(m -> new StreamRequest(m, 1, false)).toList();
    }

    /** Entries idle longer than claim_idle, from any consumer; those delivered too often are dead-lettered. */
    private List<StreamRequest> claim(RedisCommands<String, byte[]> r, int n) {
        ClaimedMessages<String, byte[]> c = r.xautoclaim(
                s.key(),
                XAutoClaimArgs.Builder.xautoclaim(consumer, s.claimIdle(), "0-0")
                        .count(n));
        List<StreamRequest> keep = screened(r, c.getMessages(), false);
        claimed.addAndGet(keep.size());
        return keep;
    }

    /**
     * Entries delivered before (claimed, or this consumer's own after a restart), with their delivery
     * counts from the pending list; those delivered more than max_deliveries times are dead-lettered.
     */
    private List<StreamRequest> screened(
            RedisCommands<String, byte[]> r, List<StreamMessage<String, byte[]>> messages, boolean takenBack) {
        List<StreamRequest> keep = new java.util.ArrayList<>();
        for (StreamMessage<String, byte[]> m : messages) {
            List<PendingMessage> p = r.xpending(s.key(), s.group(), Range.create(m.getId(), m.getId()), Limit.from(1));
            long deliveries = p.isEmpty() ? 1 : p.get(0).getRedeliveryCount();
            if (deliveries > s.maxDeliveries()) {
                // the last error, wherever the entry failed (any worker, any pool)
                byte[] stored = r.hget(errorsKey(), m.getId());
                String error =
                        stored != null ? text(stored) : "delivered " + (deliveries - 1) + " times without an ack";
                deadLetter(r, m, error);
            } else {
                keep.add(new StreamRequest(m, (int) deliveries, takenBack));
            }
        }
        return keep;
    }

    private String errorsKey() {
        return s.key() + ":errors";
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private void deadLetter(RedisCommands<String, byte[]> r, StreamMessage<String, byte[]> m, String error) {
        Map<String, byte[]> fields = new LinkedHashMap<>(m.getBody());
        fields.put("id", m.getId().getBytes(StandardCharsets.UTF_8));
        fields.put("error", error.getBytes(StandardCharsets.UTF_8));
        r.xadd(s.key() + ":dead", fields);
        r.xack(s.key(), s.group(), m.getId());
        r.hdel(errorsKey(), m.getId());
        deadLettered.incrementAndGet();
        log.warn("entry {} of stream {} was dead-lettered to {}: {}", m.getId(), s.key(), s.key() + ":dead", error);
    }

    /** One entry read or claimed. */
    private final class StreamRequest implements Request {
        private final StreamMessage<String, byte[]> m;
        private final int attempt;
        /**
         * Taken back from this consumer's own pending entries, one at a time: its ack is awaited, since
         * the next one taken back may kill the worker before a batched ack leaves, and this entry would
         * then count that death too, and be dead-lettered with the culprit.
         */
        private final boolean takenBack;

        StreamRequest(StreamMessage<String, byte[]> m, int attempt, boolean takenBack) {
            this.m = m;
            this.attempt = attempt;
            this.takenBack = takenBack;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public byte[] body() {
            byte[] body = m.getBody().get("body");
            return body == null ? new byte[0] : body;
        }

        @Override
        public String id() {
            return m.getId();
        }

        @Override
        public Map<String, String> headers() {
            Map<String, byte[]> fields = m.getBody();
            if (fields.size() == 1 && fields.containsKey("body")) {
                return Map.of(); // the common entry: a body and nothing else
            }
            Map<String, String> h = new LinkedHashMap<>();
            fields.forEach((name, value) -> {
                if (!name.equals("body")) {
                    h.put(name, text(value));
                }
            });
            return h;
        }

        @Override
        public String source() {
            return "redis:" + s.key();
        }

        @Override
        public void reply(byte[] reply) {
            throw new UnsupportedOperationException("a Redis stream carries no replies");
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // an ack or error record that fails is retried by redelivery (at least
        // once)
        public void done() {
            if (takenBack) {
                try {
                    ackConnection.sync().xack(s.key(), s.group(), m.getId());
                } catch (RedisException e) {
                    log.warn("could not ack an entry taken back ({}); it will be delivered again", e.getMessage());
                }
            } else {
                acks.add(m.getId()); // the "redis-ack" thread sends them, many ids per XACK
            }
            if (attempt > 1) {
                ackConnection.async().hdel(errorsKey(), m.getId());
            }
            finish();
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // an ack or error record that fails is retried by redelivery (at least
        // once)
        public void failed(String error) {
            // Left pending: claimed again after claim_idle (by any pool), until max_deliveries; the
            // error waits in <stream>:errors for the dead letter.
            ackConnection.async().hset(errorsKey(), m.getId(), error);
            finish();
        }

        private void finish() {
            held.remove(m.getId());
            window.release(1);
        }
    }

    @Override
    public void stopAccepting() {
        stopping = true;
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("available", reach.available());
        m.put("read", read.get());
        m.put("prefetch", s.prefetch());
        m.put("in_flight", window.inFlight());
        m.put("claimed", claimed.get());
        m.put("dead_lettered", deadLettered.get());
        m.put("trimmed", trim.trimmed());
        return m;
    }

    @Override
    public void close() {
        stopping = true;
        SourceShutdown.close(acks, thread, client);
    }
}
