package io.procpool.kafka;

import io.procpool.spi.SourceConfigException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code source.*} settings of a Kafka source, validated with the key named on error;
 * {@code source.consumer.*} pass straight to the KafkaConsumer. Immutable.
 *
 * @param prefetch records a worker holds at most (polled, not finished); beyond it the consumer pauses
 */
record KafkaSettings(String bootstrap, List<String> topics, String group, String dltSuffix, int prefetch,
                     Map<String, String> consumerProperties) {

    static KafkaSettings from(Map<String, String> s) throws SourceConfigException {
        for (String k : s.keySet()) {
            if (!List.of("type", "bootstrap", "topics", "group", "dlt_suffix", "prefetch").contains(k)
                    && !k.startsWith("consumer.")) {
                throw new SourceConfigException(k, "unknown key for source type kafka (known: bootstrap, topics, group, "
                        + "dlt_suffix, prefetch, consumer.*)", s.get(k));
            }
        }
        String topics = s.get("topics");
        if (topics == null || topics.isBlank()) {
            throw new SourceConfigException("topics", "must name one or more topics (a list, or a, b, c)", String.valueOf(topics));
        }
        String prefetchText = s.getOrDefault("prefetch", "500");
        int prefetch;
        try {
            prefetch = Integer.parseInt(prefetchText.trim());
        } catch (NumberFormatException e) {
            prefetch = -1;
        }
        if (prefetch < 1 || prefetch > 100_000) {
            throw new SourceConfigException("prefetch", "must be an integer from 1 to 100000", prefetchText);
        }
        Map<String, String> props = new TreeMap<>();
        s.forEach((k, v) -> {
            if (k.startsWith("consumer.")) {
                props.put(k.substring("consumer.".length()), v);
            }
        });
        List<String> topicList = Arrays.stream(topics.replace("[", "").replace("]", "").split("[,\\s]+"))
                .filter(t -> !t.isBlank()).toList();
        return new KafkaSettings(s.getOrDefault("bootstrap", "127.0.0.1:9092"), topicList, s.getOrDefault("group", "procpool"),
                s.getOrDefault("dlt_suffix", ".dlt"), prefetch, props);
    }
}
