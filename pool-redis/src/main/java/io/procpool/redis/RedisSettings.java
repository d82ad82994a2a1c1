package io.procpool.redis;

import io.lettuce.core.RedisURI;
import io.procpool.spi.SourceConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code source.*} settings of a Redis source, validated with the key named on error.
 * Immutable.
 *
 * @param poolId names this pool's processing lists and stream consumers; stable across restarts
 * @param prefetch messages a worker holds at most (fetched and not yet acked)
 * @param maxDeliveries a message delivered this many times without an ack is dead-lettered
 * @param maxLength stream mode: above this many entries, those the group is done with are trimmed; 0: never
 */
record RedisSettings(String uri, boolean stream, String key, String group, String poolId, int prefetch, int batch,
                     Duration claimIdle, int maxDeliveries, long maxLength) {

    static final Set<String> KEYS = Set.of("type", "uri", "mode", "key", "group", "pool_id", "prefetch", "batch",
            "claim_idle", "max_deliveries", "max_length");

    static RedisSettings from(Map<String, String> s) throws SourceConfigException {
        for (String k : s.keySet()) {
            if (!KEYS.contains(k)) {
                throw new SourceConfigException(k, "unknown key for source type redis (known: " + String.join(", ",
                        new TreeSet<>(KEYS)) + ")", s.get(k));
            }
        }
        String uri = s.getOrDefault("uri", "redis://127.0.0.1:6379");
        try {
            RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new SourceConfigException("uri", "must be a Redis URI (redis://[:password@]host:port[/db] or rediss://...)", uri);
        }
        String mode = s.getOrDefault("mode", "list");
        if (!mode.equals("list") && !mode.equals("stream")) {
            throw new SourceConfigException("mode", "must be list or stream", mode);
        }
        String key = s.getOrDefault("key", "jobs");
        if (key.isBlank()) {
            throw new SourceConfigException("key", "must name a list or stream", key);
        }
        Duration claimIdle;
        String idle = s.getOrDefault("claim_idle", "30s");
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(idle);
        if (!m.matches()) {
            throw new SourceConfigException("claim_idle", "must be a duration with a unit (500ms, 30s, 5m)", idle);
        }
        long n = Long.parseLong(m.group(1));
        claimIdle = m.group(2).equals("ms") ? Duration.ofMillis(n) : m.group(2).equals("s") ? Duration.ofSeconds(n)
                : Duration.ofMinutes(n);
        if (!mode.equals("stream")) {
            for (var k : Map.of("max_length", "trims a stream (a list is never trimmed)", "group",
                    "names a stream's consumer group (a list has none)", "claim_idle",
                    "is when a stream's pending entries are claimed (a list's slot takes back its own)").entrySet()) {
                if (s.containsKey(k.getKey())) {
                    throw new SourceConfigException(k.getKey(), k.getValue() + ": it needs mode: stream", s.get(k.getKey()));
                }
            }
        }
        return new RedisSettings(uri, mode.equals("stream"), key, s.getOrDefault("group", "procpool"),
                s.getOrDefault("pool_id", "pool"), integer(s, "prefetch", 64, 1, 100_000), integer(s, "batch", 64, 1, 10_000),
                claimIdle, integer(s, "max_deliveries", 5, 1, 1000), integer(s, "max_length", 0, 0, Integer.MAX_VALUE));
    }

    private static int integer(Map<String, String> s, String key, int dflt, int min, int max) throws SourceConfigException {
        String v = s.getOrDefault(key, Integer.toString(dflt));
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SourceConfigException(key, "must be an integer from " + min + " to " + max, v);
    }

    /**
     * A client for {@link #uri}. A command given while the connection is down fails at once instead of
     * waiting (lettuce's default keeps it for the reconnect, up to its 60 s timeout): the fetch loop then
     * backs off and the worker's status shows Redis unavailable, and a lost ack is a redelivery later.
     */
    io.lettuce.core.RedisClient newClient() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri);
        client.setOptions(io.lettuce.core.ClientOptions.builder()
                .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        return client;
    }

    /** This worker's name in the pool's shared structures. */
    String consumer(int slot) {
        return poolId + "-" + slot;
    }
}
