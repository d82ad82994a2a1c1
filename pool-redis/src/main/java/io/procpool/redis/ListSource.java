package io.procpool.redis;

import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.procpool.spi.Request;
import io.procpool.spi.RequestSink;
import io.procpool.spi.WorkerSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mode: list}: a reliable queue on a Redis list. The worker moves each message from the
 * list into its own processing list ({@code <key>:processing:<pool id>-<slot>}, BLMOVE) and removes
 * it on ack; so a worker killed mid-message leaves it there, and the next worker of the same slot
 * delivers what it left, one message at a time, before taking new ones. Failures are counted per message (hash {@code <key>:attempts});
 * at {@code max_deliveries} a message moves to {@code <key>:dead} and its last error to the hash
 * {@code <key>:errors}.
 *
 * <p>Threads: one "redis-list" thread fetches (a blocking connection of its own); delivery threads
 * ack and fail on a second connection.
 */
final class ListSource implements WorkerSource {

    private static final Logger log = LoggerFactory.getLogger(ListSource.class);

    private final RedisSettings s;
    private final byte[] key;
    private final byte[] attempts;
    private final byte[] dead;
    private final byte[] errors;
    private byte[] processing;
    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> fetchConnection;
    private StatefulRedisConnection<byte[], byte[]> ackConnection;
    private Window window;
    private volatile boolean stopping;
    private final Reachability reach = new Reachability();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private Thread thread;
    /** Bodies handled here, removed from the processing list many per script call. */
    private volatile AckBatcher<byte[]> acks;

    ListSource(RedisSettings s) {
        this.s = s;
        this.key = bytes(s.key());
        this.attempts = bytes(s.key() + ":attempts");
        this.dead = bytes(s.key() + ":dead");
        this.errors = bytes(s.key() + ":errors");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start(RequestSink sink, int slot) {
        processing = bytes(s.key() + ":processing:" + s.consumer(slot));
        window = new Window(s.prefetch(), s.batch());
        client = RedisClient.create(s.uri());
        thread = reach.startReader("redis-list", this::connect, this::closeConnections, () -> stopping, () -> fetchLoop(sink));
    }

    /** Opens both connections and sees what this slot's previous worker left. Starting thread, or the fetch thread later. */
    private void connect() {
        fetchConnection = client.connect(ByteArrayCodec.INSTANCE);
        ackConnection = client.connect(ByteArrayCodec.INSTANCE);
        logLeftOver();
        RedisAsyncCommands<byte[], byte[]> async = ackConnection.async();
        acks = new AckBatcher<>("redis-ack", "messages", bodies -> async.eval(REMOVE_ACKED, ScriptOutputType.INTEGER,
                ackKeys(), bodies.toArray(byte[][]::new)));
        log.info("pulling from Redis list {} ({}), processing list {}", s.key(), s.uri().replaceAll(":[^:@/]*@", ":***@"),
                new String(processing, StandardCharsets.UTF_8));
    }

    private void closeConnections() {
        SourceShutdown.closeQuietly(fetchConnection, ackConnection);
        fetchConnection = null;
        ackConnection = null;
    }

    /** The keys of {@link #REMOVE_ACKED}: the processing list, and the failure counts. */
    private byte[][] ackKeys() {
        return new byte[][] {processing, attempts};
    }

    /** Says what this slot's previous worker left in its processing list; {@link #takeBackOne} delivers it. */
    private void logLeftOver() {
        long left = ackConnection.sync().llen(processing);
        if (left > 0) {
            log.info("taking back {} message(s) that this slot's previous worker held, one at a time", left);
        }
    }

    /**
     * Delivers the oldest message left in the processing list by this slot's previous worker, alone:
     * the worker may have died because of it, and only the message that runs when a worker dies
     * should count that death. Taken back together, every message held would count each crash the
     * culprit causes, and innocent ones would be dead-lettered with it. A message that has died
     * with its worker {@code max_deliveries} times is dead-lettered. Returns false when none is
     * left. Fetch thread, with room taken in the window and nothing else in flight.
     */
    private boolean takeBackOne(RedisCommands<byte[], byte[]> r, RequestSink sink) {
        byte[] body = r.lindex(processing, -1);
        if (body == null) {
            window.fetched(0);
            return false;
        }
        long deaths = r.hincrby(attempts, body, 1); // counted before it runs: a crash leaves no time after
        if (deaths >= s.maxDeliveries()) {
            deadLetter(r, body, "its worker died while handling it, " + deaths + " times");
            r.lrem(processing, -1, body);
            window.fetched(0);
            return true;
        }
        window.fetched(1);
        sink.submitAll(List.of(new ListRequest(body, (int) deaths + 1, true)));
        return true;
    }

    private void fetchLoop(RequestSink sink) {
        RedisCommands<byte[], byte[]> r = fetchConnection.sync();
        boolean takingBack = true;
        while (!stopping) {
            int held; // room taken for this fetch
            try {
                held = window.take(1, TimeUnit.SECONDS);
                if (held > 0 && takingBack && !window.idle()) {
                    window.fetched(0); // the message taken back before still runs
                    held = 0;
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                return;
            }
            if (held == 0) {
                continue;
            }
            try {
                if (takingBack) {
                    takingBack = takeBackOne(r, sink);
                    continue;
                }
                if (!reach.available()) {
                    recoverUnknown(); // before the next move, while only lost moves can be in the processing list
                }
                // A batch in one round trip while there is a backlog; a blocking move when it is empty.
                // Each body comes with its failures so far ("0" for most), so that attempt() counts them.
                List<byte[]> moved = held > 1 ? r.eval(MOVE_BATCH, ScriptOutputType.MULTI, new byte[][] {key, processing, attempts},
                        Integer.toString(held).getBytes(StandardCharsets.UTF_8)) : List.of();
                if (moved.isEmpty()) {
                    byte[] body = r.blmove(key, processing, LMoveArgs.Builder.rightLeft(), 1.0);
                    if (body != null) {
                        byte[] failures = r.hget(attempts, body);
                        moved = List.of(body, failures == null ? ZERO : failures);
                    }
                }
                reach.succeeded();
                window.fetched(moved.size() / 2);
                held = 0;
                fetched.addAndGet(moved.size() / 2);
                List<ListRequest> requests = new ArrayList<>(moved.size() / 2);
                for (int i = 0; i + 1 < moved.size(); i += 2) {
                    int failures = Integer.parseInt(new String(moved.get(i + 1), StandardCharsets.US_ASCII));
                    requests.add(new ListRequest(moved.get(i), failures + 1, false));
                }
                sink.submitAll(requests);
            } catch (RedisException e) {
                window.fetched(0);
                try {
                    reach.failed(e);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Removes each ARGV (an acked body) once from the processing list KEYS[1], from its old end, and
     * its failure count from the hash KEYS[2] (a count left after a success would stay for ever).
     */
    private static final String REMOVE_ACKED = "local counted = redis.call('EXISTS', KEYS[2]) == 1 "
            + "for i = 1, #ARGV do redis.call('LREM', KEYS[1], -1, ARGV[i]) "
            + "if counted then redis.call('HDEL', KEYS[2], ARGV[i]) end end return #ARGV";

    /**
     * Moves up to ARGV[1] messages from the list's right end to the processing list, in one call;
     * returns each with its failure count from the hash KEYS[3] ("0" when none).
     */
    private static final String MOVE_BATCH = "local counted = redis.call('EXISTS', KEYS[3]) == 1 "
            + "local out = {} for i = 1, tonumber(ARGV[1]) do "
            + "local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') if not v then break end "
            + "out[#out + 1] = v out[#out + 1] = (counted and redis.call('HGET', KEYS[3], v)) or '0' end return out";
    private static final byte[] ZERO = {'0'};


    /**
     * After a lost connection a move may have taken messages whose reply never came: when nothing
     * fetched is in flight here, whatever the processing list holds is such a message, and goes back.
     */
    private void recoverUnknown() {
        if (window.idle() && acks.idle()) {
            RedisCommands<byte[], byte[]> r = ackConnection.sync();
            while (r.lmove(processing, key, LMoveArgs.Builder.rightRight()) != null) {
                log.info("put back a message moved while the connection was lost");
            }
        }
    }

    private void deadLetter(RedisCommands<byte[], byte[]> r, byte[] body, String error) {
        r.lpush(dead, body);
        r.hset(errors, body, bytes(error));
        r.hdel(attempts, body);
        deadLettered.incrementAndGet();
        log.warn("a message of list {} was dead-lettered to {}: {}", s.key(), s.key() + ":dead", error);
    }

    /** One message taken from the list. */
    private final class ListRequest implements Request {
        private final byte[] body;
        private final int attempt;
        /** Taken back after its worker died: its attempt is counted already, and its ack is awaited. */
        private final boolean takenBack;

        ListRequest(byte[] body, int attempt, boolean takenBack) {
            this.body = body;
            this.attempt = attempt;
            this.takenBack = takenBack;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public String source() {
            return "redis:" + s.key();
        }

        @Override
        public void reply(byte[] reply) {
            throw new UnsupportedOperationException("a Redis list carries no replies");
        }

        @Override
        public void done() {
            if (takenBack) {
                // awaited: the next message taken back is read from the processing list's end
                try {
                    ackConnection.sync().eval(REMOVE_ACKED, ScriptOutputType.INTEGER, ackKeys(), body);
                } catch (RedisException e) {
                    log.warn("could not ack a message taken back ({}); it will be delivered again", e.getMessage());
                }
            } else {
                // Batched, not awaited: one script call removes many. A lost ack leaves the message in the
                // processing list, and the slot's next worker delivers it again.
                acks.add(body);
            }
            window.release(1);
        }

        @Override
        public void failed(String error) {
            try {
                RedisCommands<byte[], byte[]> r = ackConnection.sync();
                if (r.hincrby(attempts, body, takenBack ? 0 : 1) >= s.maxDeliveries()) { // one taken back counted already
                    deadLetter(r, body, error);
                } else {
                    // counted in <key>:attempts until it succeeds or is dead-lettered
                    r.lpush(key, body); // to the far end: the others go first
                }
                r.lrem(processing, -1, body);
            } catch (RedisException e) {
                log.warn("could not record a failure ({}); the message will be delivered again", e.getMessage());
            } finally {
                window.release(1);
            }
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
        m.put("fetched", fetched.get());
        m.put("prefetch", s.prefetch());
        m.put("in_flight", window.inFlight());
        m.put("dead_lettered", deadLettered.get());
        return m;
    }

    @Override
    public void close() {
        stopping = true;
        SourceShutdown.close(acks, thread, client);
    }
}
