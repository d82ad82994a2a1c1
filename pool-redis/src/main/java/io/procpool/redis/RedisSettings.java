package io.procpool.redis;

import io.lettuce.core.RedisURI;
import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceSettings;
import io.procpool.spi.WorkerSource;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code source.*} settings of a Redis source, validated with the key named on error, and the
 * source they define: each worker runs its own list or stream reader. Immutable.
 *
 * @param poolId names this pool's processing lists and stream consumers; stable across restarts; null until
 *     a worker is given the pool's id, unless {@code source.pool_id} sets it
 * @param prefetch messages a worker holds at most (fetched and not yet acked)
 * @param maxDeliveries a message delivered this many times without an ack is dead-lettered
 * @param maxLength stream mode: above this many entries, those the group is done with are trimmed; 0: never
 */
record RedisSettings(
        String uri,
        boolean stream,
        String key,
        String group,
        String poolId,
        int prefetch,
        int batch,
        Duration claimIdle,
        int maxDeliveries,
        long maxLength)
        implements SourceDefinition {

    static final Set<String> KEYS = Set.of(
            "uri",
            "mode",
            "key",
            "group",
            "pool_id",
            "prefetch",
            "batch",
            "claim_idle",
            "max_deliveries",
            "max_length");

    @Override
    public Placement placement() {
        return Placement.WORKERS;
    }

    /** The worker's source; {@code poolId} names its structures unless {@code source.pool_id} is set. */
    @Override
    public WorkerSource workerSource(String poolId) {
        RedisSettings s = this.poolId != null
                ? this
                : new RedisSettings(
                        uri, stream, key, group, poolId, prefetch, batch, claimIdle, maxDeliveries, maxLength);
        return stream ? new StreamSource(s) : new ListSource(s);
    }

    static RedisSettings from(SourceSettings s) throws SourceConfigException {
        s.requireKnown(KEYS);
        String uri = s.string("uri", "redis://127.0.0.1:6379");
        try {
            RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new SourceConfigException(
                    "uri", "must be a Redis URI (redis://[:password@]host:port[/db] or rediss://...)", uri);
        }
        boolean stream = s.oneOf("mode", "list", "list", "stream").equals("stream");
        String key = s.string("key", "jobs");
        if (key.isBlank()) {
            throw new SourceConfigException("key", "must name a list or stream", key);
        }
        if (!stream) {
            s.refuse("max_length", "trims a stream (a list is never trimmed): it needs mode: stream");
            s.refuse("group", "names a stream's consumer group (a list has none): it needs mode: stream");
            s.refuse(
                    "claim_idle",
                    "is when a stream's pending entries are claimed (a list's slot takes back its own): "
                            + "it needs mode: stream");
        }
        Duration claimIdle = s.duration("claim_idle", Duration.ofSeconds(30));
        if (claimIdle.isZero()) {
            throw new SourceConfigException("claim_idle", "must be longer than 0", s.string("claim_idle", ""));
        }
        return new RedisSettings(
                uri,
                stream,
                key,
                s.string("group", "procpool"),
                s.string("pool_id", null),
                s.integer("prefetch", 64, 1, 100_000),
                s.integer("batch", 64, 1, 10_000),
                claimIdle,
                s.integer("max_deliveries", 5, 1, 1000),
                s.integer("max_length", 0, 0, Integer.MAX_VALUE));
    }

    /**
     * A client for {@link #uri}. A command given while the connection is down fails at once instead of
     * waiting (lettuce's default keeps it for the reconnect, up to its 60 s timeout): the fetch loop then
     * backs off and the worker's status shows Redis unavailable, and a lost ack is a redelivery later.
     */
    io.lettuce.core.RedisClient newClient() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri);
        client.setOptions(io.lettuce.core.ClientOptions.builder()
                .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        return client;
    }

    /** This worker's name in the pool's shared structures. */
    String consumer(int slot) {
        return poolId + "-" + slot;
    }
}
