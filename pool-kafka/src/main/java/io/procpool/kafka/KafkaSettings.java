package io.procpool.kafka;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceSettings;
import io.procpool.spi.WorkerSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code source.*} settings of a Kafka source, validated with the key named on error, and the
 * source they define (each worker runs its own member); {@code source.consumer.*} pass straight to the
 * KafkaConsumer, {@code source.producer.*} to the dead-letter producer (which also takes the consumer's
 * security settings). Immutable.
 *
 * @param topicPattern set when {@code topics} is one regular expression (it holds a character no topic
 *     name may: anything but letters, digits, '.', '_' and '-'); then {@code topics} is empty
 * @param share {@code mode: share}: a share group (KIP-932) rather than a consumer group
 * @param startAt where a group with no committed position starts: earliest or latest
 * @param prefetch records a worker holds at most (polled, not finished); beyond it the consumer pauses
 */
record KafkaSettings(
        String bootstrap,
        List<String> topics,
        Pattern topicPattern,
        String group,
        boolean share,
        String startAt,
        String dltSuffix,
        int prefetch,
        Map<String, String> consumerProperties,
        Map<String, String> producerProperties)
        implements SourceDefinition {

    private static final Set<String> KEYS =
            Set.of("bootstrap", "topics", "group", "mode", "start_at", "dlt_suffix", "prefetch");

    /** Consumer settings a KafkaShareConsumer refuses: the broker, not the member, decides these in a share group. */
    private static final List<String> NOT_FOR_SHARE = List.of(
            "auto.offset.reset",
            "enable.auto.commit",
            "group.instance.id",
            "isolation.level",
            "partition.assignment.strategy",
            "interceptor.classes",
            "session.timeout.ms",
            "heartbeat.interval.ms",
            "group.protocol",
            "group.remote.assignor");

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

    @Override
    public Placement placement() {
        return Placement.WORKERS;
    }

    @Override
    public WorkerSource workerSource(String poolId) {
        return share ? new ShareSource(this) : new GroupSource(this);
    }

    /** What the consumer subscribes to, for log lines. */
    String subscription() {
        return topicPattern != null ? "pattern " + topicPattern : topics.toString();
    }

    static KafkaSettings from(SourceSettings s) throws SourceConfigException {
        s.requireKnown(KEYS, "consumer.", "producer.");
        boolean share = s.oneOf("mode", "group", "group", "share").equals("share");
        String startAt = s.oneOf("start_at", "earliest", "earliest", "latest");
        Map<String, String> consumer = s.withPrefix("consumer.");
        for (String name : consumer.keySet()) {
            if (SET_BY_THE_POOL.containsKey(name)) {
                throw new SourceConfigException(
                        "consumer." + name, "is set by the pool: " + SET_BY_THE_POOL.get(name), consumer.get(name));
            }
            if (share && NOT_FOR_SHARE.contains(name)) {
                throw new SourceConfigException(
                        "consumer." + name,
                        "is not a setting of a share-group consumer (mode: share)",
                        consumer.get(name));
            }
        }
        Map<String, String> producer = new TreeMap<>();
        consumer.forEach((name, v) -> {
            if (CONNECTION_PREFIXES.stream().anyMatch(name::startsWith)) {
                producer.put(name, v); // the dead-letter producer reaches the same brokers the same way
            }
        });
        producer.putAll(s.withPrefix("producer."));
        String bootstrap = s.string("bootstrap", "127.0.0.1:9092");
        String group = s.string("group", "procpool");
        String dlt = s.string("dlt_suffix", ".dlt");
        int prefetch = s.integer("prefetch", 500, 1, 100_000);
        String topics = s.string("topics", null);
        List<String> names = s.list("topics");
        if (topics == null || names.isEmpty()) {
            throw new SourceConfigException(
                    "topics", "must name one or more topics (a list, or a, b, c)", String.valueOf(topics));
        }
        if (!s.isList("topics")
                && names.size() == 1
                && !TOPIC_NAME.matcher(names.get(0)).matches()) {
            if (share) {
                throw new SourceConfigException(
                        "topics", "must name topics in mode share (a share group takes no pattern)", topics);
            }
            try {
                return new KafkaSettings(
                        bootstrap,
                        List.of(),
                        Pattern.compile(names.get(0)),
                        group,
                        false,
                        startAt,
                        dlt,
                        prefetch,
                        consumer,
                        producer);
            } catch (PatternSyntaxException e) {
                throw new SourceConfigException(
                        "topics",
                        "is neither topic names nor a valid regular expression (" + e.getDescription() + ")",
                        topics);
            }
        }
        for (String t : names) {
            if (!TOPIC_NAME.matcher(t).matches()) {
                throw new SourceConfigException(
                        "topics",
                        "'" + t + "' is not a topic name (letters, digits, '.', '_', '-'); "
                                + "a pattern must be the only entry",
                        topics);
            }
        }
        return new KafkaSettings(bootstrap, names, null, group, share, startAt, dlt, prefetch, consumer, producer);
    }
}
