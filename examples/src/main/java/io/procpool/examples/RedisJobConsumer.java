package io.procpool.examples;

import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/**
 * Jobs from a Redis list, in loop mode ({@code source.type: none}): each worker moves jobs from
 * {@code app.redis_key} into its slot's processing list ({@code BLMOVE}), handles each, records it
 * as done in the set {@code <key>:done}, then removes it from the processing list. A worker killed
 * in between leaves its job in that list, and the next worker of the same slot puts it back first:
 * at-least-once, where a plain {@code BRPOP} would lose the job a dying worker had just popped.
 * (pool-redis will bring a Redis source that does this for any consumer; this example owns its loop,
 * the way Swoole's IPC_NONE pools do.) Configuration: see {@code examples/redis-jobs/pool.yaml}.
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
            String processing = key + ":processing:" + ctx.slot();
            int recovered = 0;
            while (redis.lmove(processing, key, LMoveArgs.Builder.rightLeft()) != null) {
                recovered++; // what this slot's previous worker held when it died goes back to the queue
            }
            if (recovered > 0) {
                ctx.logger().info("put back {} job(s) of this slot's previous worker", recovered);
            }
            while (!ctx.isStopping()) {
                String job = redis.blmove(key, processing, LMoveArgs.Builder.rightLeft(), 1.0); // wakes every second
                if (job != null) {
                    redis.sadd(key + ":done", job);
                    redis.lrem(processing, 1, job);
                    ctx.logger().info("processed {}", job);
                }
            }
        } finally {
            client.shutdown();
        }
    }
}
