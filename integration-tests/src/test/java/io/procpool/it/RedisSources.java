package io.procpool.it;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.SourceUnderTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The source contract's view of a Redis list or stream on a key of its own: messages go in with LPUSH or
 * XADD, and what was given up is read from {@code <key>:dead} (and, for a list, {@code <key>:dead:errors}).
 * The test's thread only.
 */
final class RedisSources implements SourceUnderTest {

    private final String mode;
    private final String url;
    private final String key = "contract" + System.nanoTime();
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;

    RedisSources(String mode, String url) {
        this.mode = mode;
        this.url = url;
        client = RedisClient.create(url);
        connection = client.connect();
        redis = connection.sync();
    }

    @Override
    public List<String> settings() {
        List<String> s = new ArrayList<>(List.of(
                "source.type: redis",
                "source.uri: '" + url + "'",
                "source.key: " + key,
                "source.mode: " + mode,
                "source.max_deliveries: 2"));
        if (mode.equals("stream")) {
            s.add("source.claim_idle: 1s"); // a failed entry stays pending until it is claimed again
        }
        return s;
    }

    @Override
    public void publish(PoolProcess pool, List<String> bodies) {
        for (String b : bodies) {
            if (mode.equals("list")) {
                redis.lpush(key, b);
            } else {
                redis.xadd(key, Map.of("body", b));
            }
        }
    }

    @Override
    public List<GivenUp> givenUp() {
        List<GivenUp> dead = new ArrayList<>();
        if (mode.equals("list")) {
            // LPUSH to both in one script: the two lists are in step, newest first
            List<String> bodies = redis.lrange(key + ":dead", 0, -1);
            List<String> errors = redis.lrange(key + ":dead:errors", 0, -1);
            for (int i = bodies.size() - 1; i >= 0; i--) {
                dead.add(new GivenUp(bodies.get(i), i < errors.size() ? errors.get(i) : ""));
            }
        } else {
            for (StreamMessage<String, String> m : redis.xrange(key + ":dead", Range.create("-", "+"))) {
                dead.add(new GivenUp(m.getBody().get("body"), m.getBody().getOrDefault("error", "")));
            }
        }
        return dead;
    }

    @Override
    public Redelivery redelivery() {
        return Redelivery.COUNTED;
    }

    @Override
    public int deliveries() {
        return 2;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
