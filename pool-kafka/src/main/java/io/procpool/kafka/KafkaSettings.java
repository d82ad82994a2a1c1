package io.procpool.kafka;

import io.procpool.spi.SourceConfigException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code source.*} settings of a Kafka source, validated with the key named on error;
 * {@code source.consumer.*} pass straight to the KafkaConsumer, {@code source.producer.*} to the dead-letter
 * producer (which also takes the consumer's security settings). Immutable.
 *
 * @param topicPattern set when {@code topics} is one regular expression (it holds a character no topic
 *     name may: anything but letters, digits, '.', '_' and '-'); then {@code topics} is empty
 * @param share {@code mode: share}: a share group (KIP-932) rather than a consumer group
 * @param startAt where a group with no committed position starts: earliest or latest
 * @param prefetch records a worker holds at most (polled, not finished); beyond it the consumer pauses
 */
record KafkaSettings(String bootstrap, List<String> topics, Pattern topicPattern, String group, boolean share,
                     String startAt, String dltSuffix, int prefetch, Map<String, String> consumerProperties,
                     Map<String, String> producerProperties) {

    /** Consumer settings a KafkaShareConsumer refuses: the broker, not the member, decides these in a share group. */
    private static final List<String> NOT_FOR_SHARE = List.of("auto.offset.reset", "enable.auto.commit", "group.instance.id",
            "isolation.level", "partition.assignment.strategy", "interceptor.classes", "session.timeout.ms",
            "heartbeat.interval.ms", "group.protocol", "group.remote.assignor");

    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * Consumer settings the pool sets itself because its guarantee rests on them, with what to do instead;
     * a {@code consumer.*} override of one would be ignored or would break at-least-once, so it is refused.
     */
    private static final Map<String, String> SET_BY_THE_POOL = Map.of(
            "bootstrap.servers", "set source.bootstrap instead",
            "group.id", "set source.group instead",
            "enable.auto.commit", "the pool commits an offset only after its record was handled",
            "auto.offset.reset", "set source.start_at instead",
            "max.poll.records", "the pool sets it from source.prefetch: set that instead",
            "key.deserializer", "the pool reads keys as bytes (a consumer gets them as the kafka.key header)",
            "value.deserializer", "the pool reads values as bytes: the message body",
            "share.acknowledgement.mode", "the pool acknowledges each record explicitly after onMessage");

    /** Consumer settings of how to reach the brokers, which the dead-letter producer needs as well. */
    private static final List<String> CONNECTION_PREFIXES = List.of("security.", "sasl.", "ssl.", "client.dns.lookup");

    /** What the consumer subscribes to, for log lines. */
    String subscription() {
        return topicPattern != null ? "pattern " + topicPattern : topics.toString();
    }

    static KafkaSettings from(Map<String, String> s) throws SourceConfigException {
        for (String k : s.keySet()) {
            if (!List.of("type", "bootstrap", "topics", "group", "mode", "start_at", "dlt_suffix", "prefetch").contains(k)
                    && !k.startsWith("consumer.") && !k.startsWith("producer.")) {
                throw new SourceConfigException(k, "unknown key for source type kafka (known: bootstrap, topics, group, "
                        + "mode, start_at, dlt_suffix, prefetch, consumer.*, producer.*)", s.get(k));
            }
        }
        String mode = s.getOrDefault("mode", "group").trim();
        if (!mode.equals("group") && !mode.equals("share")) {
            throw new SourceConfigException("mode", "must be group (a consumer group: partitions per worker) or share "
                    + "(a share group: records per worker)", mode);
        }
        boolean share = mode.equals("share");
        for (String k : s.keySet()) {
            String why = k.startsWith("consumer.") ? SET_BY_THE_POOL.get(k.substring("consumer.".length())) : null;
            if (why != null) {
                throw new SourceConfigException(k, "is set by the pool: " + why, s.get(k));
            }
        }
        String startAt = s.getOrDefault("start_at", "earliest").trim();
        if (!startAt.equals("earliest") && !startAt.equals("latest")) {
            throw new SourceConfigException("start_at", "must be earliest or latest", startAt);
        }
        if (share) {
            for (String k : s.keySet()) {
                if (k.startsWith("consumer.") && NOT_FOR_SHARE.contains(k.substring("consumer.".length()))) {
                    throw new SourceConfigException(k, "is not a setting of a share-group consumer (mode: share)", s.get(k));
                }
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
        Map<String, String> producerProps = new TreeMap<>();
        s.forEach((k, v) -> {
            if (k.startsWith("consumer.")) {
                String name = k.substring("consumer.".length());
                props.put(name, v);
                if (CONNECTION_PREFIXES.stream().anyMatch(name::startsWith)) {
                    producerProps.put(name, v); // the dead-letter producer reaches the same brokers the same way
                }
            }
        });
        s.forEach((k, v) -> {
            if (k.startsWith("producer.")) {
                producerProps.put(k.substring("producer.".length()), v);
            }
        });
        String bootstrap = s.getOrDefault("bootstrap", "127.0.0.1:9092");
        String group = s.getOrDefault("group", "procpool");
        String dlt = s.getOrDefault("dlt_suffix", ".dlt");
        String trimmed = topics.trim();
        boolean list = trimmed.startsWith("[") && trimmed.endsWith("]");
        List<String> topicList = Arrays.stream((list ? trimmed.substring(1, trimmed.length() - 1) : trimmed).split("[,\\s]+"))
                .filter(t -> !t.isBlank()).toList();
        if (!list && topicList.size() == 1 && !TOPIC_NAME.matcher(trimmed).matches()) {
            if (share) {
                throw new SourceConfigException("topics", "must name topics in mode share (a share group takes no pattern)", topics);
            }
            try {
                return new KafkaSettings(bootstrap, List.of(), Pattern.compile(trimmed), group, false, startAt, dlt, prefetch,
                        props, producerProps);
            } catch (PatternSyntaxException e) {
                throw new SourceConfigException("topics", "is neither topic names nor a valid regular expression ("
                        + e.getDescription() + ")", topics);
            }
        }
        for (String t : topicList) {
            if (!TOPIC_NAME.matcher(t).matches()) {
                throw new SourceConfigException("topics", "'" + t + "' is not a topic name (letters, digits, '.', '_', '-'); "
                        + "a pattern must be the only entry", topics);
            }
        }
        return new KafkaSettings(bootstrap, topicList, null, group, share, startAt, dlt, prefetch, props, producerProps);
    }
}
