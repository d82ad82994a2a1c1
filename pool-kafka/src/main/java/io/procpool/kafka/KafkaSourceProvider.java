package io.procpool.kafka;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.SourceSettings;

/**
 * {@code source.type: kafka}: every worker is one member of the consumer group ({@code mode: group}) or of
 * the share group ({@code mode: share}). Stateless; any thread.
 */
public final class KafkaSourceProvider implements SourceProvider {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public SourceDefinition define(SourceSettings settings) throws SourceConfigException {
        return KafkaSettings.from(settings);
    }
}
