package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.procpool.testkit.PoolRunner;
import io.procpool.testkit.RedisFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How to test a consumer with procpool's testkit: a real Redis (RedisFixture: Docker, a URL in
 * PROCPOOL_TEST_REDIS_URL, or a private redis-server), a real pool of worker processes
 * (PoolRunner), and a worker killed on the way.
 */
@Timeout(120)
class RedisJobConsumerTest {

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @RegisterExtension
    PoolRunner pool = PoolRunner.of(RedisJobConsumer.class).workers(2).set("source.type", "none");

    @Test
    void jobsAreDoneAlsoWhenAWorkerIsKilled() throws Exception {
        RedisClient client = RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            RedisCommands<String, String> r = connection.sync();
            pool.set("app.redis_url", redis.url())
                    .set("app.redis_key", "example-jobs")
                    .start();
            r.lpush("example-jobs", "a", "b", "c");
            awaitDone(r, 3);
            pool.killWorker(0); // the pool replaces it; its slot keeps working
            r.lpush("example-jobs", "d", "e");
            awaitDone(r, 5);
            assertThat(r.smembers("example-jobs:done")).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        } finally {
            client.shutdown();
        }
    }

    private static void awaitDone(RedisCommands<String, String> r, int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> r.scard("example-jobs:done") >= n);
    }
}
