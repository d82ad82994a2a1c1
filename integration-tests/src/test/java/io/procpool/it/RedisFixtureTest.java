package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.procpool.examples.RedisJobConsumer;
import io.procpool.testkit.PoolRunner;
import io.procpool.testkit.RedisFixture;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Acceptance 1 of the testkit issue, Redis: a real Redis from RedisFixture, a real pool from PoolRunner. */
@Timeout(120)
class RedisFixtureTest {

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @RegisterExtension
    PoolRunner pool = PoolRunner.of(RedisJobConsumer.class).workers(2).set("source.type", "none");

    @Test
    void aPoolOfTwoWorkersConsumesEveryJobPushedToRedis() throws Exception {
        String key = "jobs-" + System.nanoTime();
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String[] jobs = IntStream.range(0, 1_000).mapToObj(i -> "job-" + i).toArray(String[]::new);
            // both workers waiting in BLMOVE before the jobs arrive: pushed earlier, the worker that
            // connected first could drain them all before the other's loop began (seen on a loaded CI)
            pool.set("app.redis_url", redis.url()).set("app.redis_key", key).start();
            assertThat(Polls.until(
                            "both workers waiting on the list",
                            Duration.ofSeconds(30),
                            () -> c.sync()
                                            .clientList()
                                            .lines()
                                            .filter(l -> l.contains("cmd=blmove"))
                                            .count()
                                    >= 2))
                    .isTrue();
            assertThat(c.sync().lpush(key, jobs)).isEqualTo(1_000);
            Polls.until(
                    "1,000 jobs done", Duration.ofSeconds(60), () -> c.sync().scard(key + ":done") >= 1_000);
            Set<String> done = c.sync().smembers(key + ":done");
            assertThat(done).containsExactlyInAnyOrder(jobs);
            assertThat(c.sync().llen(key)).isZero();
        } finally {
            client.shutdown();
        }
        Set<String> workersThatWorked = pool.workerLines().stream()
                .filter(l -> l.contains("processed job-"))
                .map(l -> l.substring(0, l.indexOf(']') + 1))
                .collect(Collectors.toSet());
        assertThat(workersThatWorked).as("both workers popped jobs").hasSize(2);
        assertThat(pool.stop()).isZero();
        System.out.println("redis fixture: " + redis.description());
        assertThat(RedisFixture.starts()).as("one Redis per test run").isEqualTo(1);
    }
}
