package io.procpool.it;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RedisFixture;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Redis tests share: the fixture's Redis, a client on it, a key of the test's own, and pools of
 * {@link RecordingConsumer}s on that key, killed after each test. The test's thread only.
 */
abstract class RedisPoolTest {

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @TempDir
    Path dir;

    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisCommands<String, String> r;
    final List<PoolProcess> pools = new ArrayList<>();
    final String key = "k" + System.nanoTime();

    @BeforeEach
    void connect() {
        client = RedisClient.create(redis.url());
        connection = client.connect();
        r = connection.sync();
    }

    @AfterEach
    void close() {
        pools.forEach(PoolProcess::close);
        connection.close();
        client.shutdown();
    }

    /** A READY pool of {@code workers} on the test's key, in {@code dir/name}, with {@code settings} over the defaults. */
    PoolProcess pool(String name, int workers, String... settings) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                "source.type: redis", "source.uri: '" + redis.url() + "'", "source.key: " + key, "min_uptime: 0"));
        all.addAll(List.of(settings));
        Path d = dir.resolve(name);
        PoolProcess p = PoolProcess.start(
                d, Pools.yaml(RecordingConsumer.class.getName(), workers, d, all.toArray(String[]::new)));
        pools.add(p);
        p.awaitReady(workers, Duration.ofSeconds(60));
        return p;
    }
}
