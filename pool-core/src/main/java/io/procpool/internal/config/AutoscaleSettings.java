package io.procpool.internal.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code workers: {min, max, ...}}: a group whose worker count follows its backlog. It grows when the
 * messages waiting per READY worker pass {@code backlog_per_worker}, and shrinks by one when it has had
 * no backlog and spare workers for {@code idle_after}; two changes are at least {@code cooldown} apart,
 * and the count never leaves {@code [min, max]}. Only sources with a backlog the manager can read take
 * it: the built-in queue (its depth), task groups (tasks waiting) and Kafka consumer groups (their lag).
 * Immutable.
 *
 * @param min the fewest workers, and how many the group starts with
 * @param max the most workers
 * @param backlogPerWorker waiting messages per READY worker above which the group grows
 * @param cooldown the least time between two changes of the count
 * @param idleAfter how long the group must have had nothing waiting and a worker to spare before it shrinks
 */
public record AutoscaleSettings(int min, int max, long backlogPerWorker, Duration cooldown, Duration idleAfter) {

    public static final long DEFAULT_BACKLOG_PER_WORKER = 100;
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_AFTER = Duration.ofSeconds(60);

    static final List<String> KEYS = List.of(
            "workers.min", "workers.max", "workers.backlog_per_worker", "workers.cooldown", "workers.idle_after");

    /** The settings, or null when {@code workers} is a number (or absent). */
    static AutoscaleSettings from(ConfigValues v, String sourceType) {
        String given = null;
        for (String key : KEYS) {
            if (v.string(key, null) != null) {
                given = key;
                break;
            }
        }
        if (given == null) {
            return null;
        }
        if (v.string("workers", null) != null) {
            throw ConfigException.invalid(
                    "workers",
                    "is a number of workers or a map of min and max for autoscaling, not both (" + given + " is set)",
                    v.string("workers", null),
                    v.origin("workers"));
        }
        for (String needed : List.of("workers.min", "workers.max")) {
            if (v.string(needed, null) == null) {
                throw ConfigException.invalid(
                        needed,
                        "is needed with " + given + ": autoscaling needs both workers.min and workers.max",
                        "",
                        v.origin(given));
            }
        }
        String refusal = refusal(sourceType, v.string("source.mode", "group"));
        if (refusal != null) {
            throw ConfigException.invalid(given, refusal, v.string(given, null), v.origin(given));
        }
        int min = v.intIn("workers.min", 1, 1, PoolConfig.MAX_WORKERS);
        int max = v.intIn("workers.max", min, 1, PoolConfig.MAX_WORKERS);
        if (max < min) {
            throw ConfigException.invalid(
                    "workers.max", "must be at least workers.min (" + min + ")", max, v.origin("workers.max"));
        }
        return new AutoscaleSettings(
                min,
                max,
                v.longIn("workers.backlog_per_worker", DEFAULT_BACKLOG_PER_WORKER, 1, Long.MAX_VALUE),
                v.duration("workers.cooldown", DEFAULT_COOLDOWN),
                v.duration("workers.idle_after", DEFAULT_IDLE_AFTER));
    }

    /** Why a source cannot be autoscaled, or null when it can. */
    private static String refusal(String sourceType, String mode) {
        return switch (sourceType) {
            case "queue", "task" -> null;
            case "kafka" ->
                mode.equals("share")
                        ? "cannot apply to a Kafka share group, whose backlog the broker does not report to members;"
                                + " give workers a number"
                        : null;
            default ->
                "cannot apply to source " + sourceType + ": the manager cannot read its backlog"
                        + " (autoscaling takes the built-in queue, task groups and Kafka consumer groups);"
                        + " give workers a number";
        };
    }
}
