package io.procpool.redis;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.SourceSettings;

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
    public SourceDefinition define(SourceSettings settings) throws SourceConfigException {
        return RedisSettings.from(settings);
    }
}
