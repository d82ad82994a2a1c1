package io.procpool.internal.manager;

import io.procpool.PoolStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka lag a worker of a consumer group reports, per partition: its source's {@code lag} counter,
 * {@code orders-0=3 orders-1=0}, read into numbers (a part that is not {@code partition=number} is left
 * out). Stateless; any thread.
 */
final class KafkaLag {

    private KafkaLag() {}

    static Map<String, Long> of(PoolStatus.Worker w) {
        String text = w.source().get("lag");
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        Map<String, Long> lag = new LinkedHashMap<>();
        for (String part : text.trim().split("\\s+")) {
            int eq = part.lastIndexOf('=');
            if (eq > 0) {
                try {
                    lag.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
                } catch (NumberFormatException e) {
                    // not a number: this partition's lag is not known
                }
            }
        }
        return lag;
    }
}
