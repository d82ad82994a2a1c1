package io.procpool.kafka;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.WorkerSource;
import java.util.Map;

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
    public void validate(Map<String, String> settings) throws SourceConfigException {
        KafkaSettings.from(settings);
    }

    @Override
    public boolean managerFed(Map<String, String> settings) {
        return false;
    }

    @Override
    public WorkerSource workerSource(Map<String, String> settings) {
        try {
            KafkaSettings s = KafkaSettings.from(settings);
            return s.share() ? new ShareSource(s) : new KafkaSource(s);
        } catch (SourceConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // validated at start; only a bug gets here
        }
    }
}
