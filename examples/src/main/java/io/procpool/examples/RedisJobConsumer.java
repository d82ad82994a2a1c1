package io.procpool.examples;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/**
 * Jobs from a Redis list, in loop mode ({@code source.type: none}): each worker pops jobs
 * ({@code BRPOP app.redis_key}) from {@code app.redis_url} until the pool stops, handles each,
 * and records it as done in the set {@code <key>:done}. (pool-redis will bring a Redis source with
 * acks and redelivery; this example shows a consumer that owns its loop, the way Swoole's
 * IPC_NONE pools do.) Configuration: see {@code examples/redis-jobs/pool.yaml}.
 */
public class RedisJobConsumer implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        throw new UnsupportedOperationException("RedisJobConsumer runs in loop mode: set source.type: none");
    }

    @Override
    public void run(WorkerContext ctx) {
        String key = ctx.config().getOrDefault("app.redis_key", "jobs");
        RedisClient client = RedisClient.create(ctx.config().getOrDefault("app.redis_url", "redis://127.0.0.1:6379"));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            while (!ctx.isStopping()) {
                KeyValue<String, String> job = redis.brpop(1, key); // wake up every second to see a stop
                if (job != null) {
                    redis.sadd(key + ":done", job.getValue());
                    ctx.logger().info("processed {}", job.getValue());
                }
            }
        } finally {
            client.shutdown();
        }
    }
}
