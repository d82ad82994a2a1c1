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
 * delivers what it left, one message at a time, before taking new ones. Failures are counted per
 * message, in a header the message carries once it has failed ({@link ListEntry}); at
 * {@code max_deliveries} its body moves to {@code <key>:dead} and its last error to
 * {@code <key>:dead:errors}, pushed together so that the two lists stay in step.
 *
 * <p>Threads: one "redis-list" thread fetches (a blocking connection of its own); delivery threads
 * ack and fail on a second connection.
 */
final class ListSource implements WorkerSource {

    private static final Logger log = LoggerFactory.getLogger(ListSource.class);

    private final RedisSettings s;
    private final byte[] key;
    private final byte[] dead;
    private final byte[] deadErrors;
    /** Names this worker's messages until they carry an id of their own (see {@link ListEntry}). */
    private String idPrefix;

    private final AtomicLong ids = new AtomicLong();
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
        this.dead = bytes(s.key() + ":dead");
        this.deadErrors = bytes(s.key() + ":dead:errors");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start(RequestSink sink, int slot) {
        processing = bytes(s.key() + ":processing:" + s.consumer(slot));
        idPrefix = s.consumer(slot) + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        window = new Window(s.prefetch(), s.batch());
        client = s.newClient();
        thread = reach.startReader(
                "redis-list", this::connect, this::closeConnections, () -> stopping, () -> fetchLoop(sink));
    }

    /** Opens both connections and sees what this slot's previous worker left. Starting thread, or the fetch thread later. */
    @SuppressWarnings(
            "FutureReturnValueIgnored") // an ack or error record that fails is retried by redelivery (at least once)
    private void connect() {
        fetchConnection = client.connect(ByteArrayCodec.INSTANCE);
        ackConnection = client.connect(ByteArrayCodec.INSTANCE);
        logLeftOver();
        RedisAsyncCommands<byte[], byte[]> async = ackConnection.async();
        acks = new AckBatcher<>(
                "redis-ack",
                "messages",
                raws -> async.eval(
                        REMOVE_ACKED,
                        ScriptOutputType.INTEGER,
                        new byte[][] {processing},
                        raws.toArray(byte[][]::new)));
        log.info(
                "pulling from Redis list {} ({}), processing list {}",
                s.key(),
                s.uri().replaceAll(":[^:@/]*@", ":***@"),
                new String(processing, StandardCharsets.UTF_8));
    }

    private void closeConnections() {
        SourceShutdown.closeQuietly(fetchConnection, ackConnection);
        fetchConnection = null;
        ackConnection = null;
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
        byte[] raw = r.lindex(processing, -1);
        if (raw == null) {
            window.fetched(0);
            return false;
        }
        ListEntry left = ListEntry.of(raw);
        int deaths = left.failures() + 1; // counted before it runs: a crash leaves no time after
        if (deaths >= s.maxDeliveries()) {
            deadLetter(r, left, "its worker died while handling it, " + deaths + " times");
            window.fetched(0);
            return true;
        }
        ListEntry counted = ListEntry.wrapped(left.body(), deaths, idOf(left));
        r.lset(processing, -1, counted.raw()); // only this worker touches its processing list, and nothing else runs
        window.fetched(1);
        sink.submitAll(List.of(new ListRequest(counted, true)));
        return true;
    }

    /** The id of a message: the one its header carries, or a new one for a plain body. */
    private String idOf(ListEntry e) {
        return e.id() != null ? e.id() : idPrefix + ids.incrementAndGet();
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
                List<byte[]> moved = held > 1
                        ? r.eval(
                                MOVE_BATCH,
                                ScriptOutputType.MULTI,
                                new byte[][] {key, processing},
                                Integer.toString(held).getBytes(StandardCharsets.UTF_8))
                        : List.of();
                if (moved.isEmpty()) {
                    byte[] raw = r.blmove(key, processing, LMoveArgs.Builder.rightLeft(), 1.0);
                    moved = raw == null ? List.of() : List.of(raw);
                }
                reach.succeeded();
                window.fetched(moved.size());
                held = 0;
                fetched.addAndGet(moved.size());
                List<ListRequest> requests = new ArrayList<>(moved.size());
                for (byte[] raw : moved) {
                    requests.add(new ListRequest(ListEntry.of(raw), false));
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

    /** Removes each ARGV (an acked entry, as stored) once from the processing list KEYS[1], from its old end. */
    private static final String REMOVE_ACKED =
            "for i = 1, #ARGV do redis.call('LREM', KEYS[1], -1, ARGV[i]) end return #ARGV";

    /** Moves up to ARGV[1] messages from the list KEYS[1]'s right end to the processing list KEYS[2], in one call. */
    private static final String MOVE_BATCH = "local out = {} for i = 1, tonumber(ARGV[1]) do "
            + "local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') if not v then break end "
            + "out[#out + 1] = v end return out";

    /**
     * A failed message goes back: removes ARGV[1] (as stored) from the processing list KEYS[1] and pushes
     * ARGV[2] (it, with its count raised) to the far end of the list KEYS[2], at once.
     */
    private static final String REQUEUE =
            "redis.call('LREM', KEYS[1], -1, ARGV[1]) redis.call('LPUSH', KEYS[2], ARGV[2]) " + "return 1";

    /**
     * Dead-letters at once: removes ARGV[1] (as stored) from the processing list KEYS[1], pushes the bare body
     * ARGV[2] to KEYS[2] ({@code <key>:dead}) and the error ARGV[3] to KEYS[3] ({@code <key>:dead:errors}).
     */
    private static final String DEAD_LETTER =
            "redis.call('LREM', KEYS[1], -1, ARGV[1]) redis.call('LPUSH', KEYS[2], ARGV[2]) "
                    + "redis.call('LPUSH', KEYS[3], ARGV[3]) return 1";

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

    /** Moves {@code entry} out of the processing list into the dead letters, its error beside it. */
    private void deadLetter(RedisCommands<byte[], byte[]> r, ListEntry entry, String error) {
        r.eval(
                DEAD_LETTER,
                ScriptOutputType.INTEGER,
                new byte[][] {processing, dead, deadErrors},
                entry.raw(),
                entry.body(),
                bytes(error));
        deadLettered.incrementAndGet();
        log.warn("a message of list {} was dead-lettered to {}: {}", s.key(), s.key() + ":dead", error);
    }

    /** One message taken from the list. */
    private final class ListRequest implements Request {
        private final ListEntry entry;
        private final String id;
        /** Taken back after its worker died (its death is counted in its entry): its ack is awaited. */
        private final boolean takenBack;

        ListRequest(ListEntry entry, boolean takenBack) {
            this.entry = entry;
            this.id = idOf(entry);
            this.takenBack = takenBack;
        }

        @Override
        public String id() {
            return id;
        }

        /** 1 + the failed deliveries so far (the death it was taken back after included). */
        @Override
        public int attempt() {
            return entry.failures() + 1;
        }

        @Override
        public byte[] body() {
            return entry.body();
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
                    ackConnection
                            .sync()
                            .eval(REMOVE_ACKED, ScriptOutputType.INTEGER, new byte[][] {processing}, entry.raw());
                } catch (RedisException e) {
                    log.warn("could not ack a message taken back ({}); it will be delivered again", e.getMessage());
                }
            } else {
                // Batched, not awaited: one script call removes many. A lost ack leaves the message in the
                // processing list, and the slot's next worker delivers it again.
                acks.add(entry.raw());
            }
            window.release(1);
        }

        @Override
        public void failed(String error) {
            try {
                RedisCommands<byte[], byte[]> r = ackConnection.sync();
                int failures = entry.failures() + 1;
                if (failures >= s.maxDeliveries()) {
                    deadLetter(r, entry, error);
                } else {
                    // to the far end, carrying its count and id: the others go first
                    r.eval(
                            REQUEUE,
                            ScriptOutputType.INTEGER,
                            new byte[][] {processing, key},
                            entry.raw(),
                            ListEntry.wrapped(entry.body(), failures, id).raw());
                }
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
