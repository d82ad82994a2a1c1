package io.procpool.redis;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.WorkerSource;
import java.util.Map;

/**
 * {@code source.type: redis}: every worker pulls from Redis itself, from a list ({@code mode: list})
 * or a stream's consumer group ({@code mode: stream}). Stateless; any thread.
 */
public final class RedisSourceProvider implements SourceProvider {

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public void validate(Map<String, String> settings) throws SourceConfigException {
        RedisSettings.from(settings);
    }

    @Override
    public boolean managerFed(Map<String, String> settings) {
        return false;
    }

    @Override
    public WorkerSource workerSource(Map<String, String> settings) {
        return workerSource(settings, "pool");
    }

    @Override
    public WorkerSource workerSource(Map<String, String> settings, String poolId) {
        try {
            Map<String, String> withId = new java.util.HashMap<>(settings);
            withId.putIfAbsent("pool_id", poolId); // source.pool_id, when set, wins
            RedisSettings s = RedisSettings.from(withId);
            return s.stream() ? new StreamSource(s) : new ListSource(s);
        } catch (SourceConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // validated at start; only a bug gets here
        }
    }
}
