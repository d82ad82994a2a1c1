package io.procpool.internal.manager;

import io.procpool.PoolStatus;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.control.StatusCodec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command to the supervisor, from {@code control.sock} or an embedding program. Parsed once from the
 * JSON request ({@link #parse}); a bad one is answered at once, naming what is wrong. Immutable.
 */
public sealed interface ControlCommand {

    /** The pool's state, workers and counters. */
    record Status() implements ControlCommand {}

    /** A graceful stop within {@code timeout}, or {@code max_wait_time} when null. */
    record Stop(Duration timeout) implements ControlCommand {}

    /**
     * A rolling restart; {@code rereadConfig}: read the configuration file again first (SIGHUP's twin).
     *
     * @param group the group to reload, or null for every group
     */
    record Reload(boolean rereadConfig, String group) implements ControlCommand {}

    /**
     * Sets the number of workers.
     *
     * @param group the group to scale, or null in a pool of one group
     */
    record Scale(String group, int workers) implements ControlCommand {}

    /** The answer to a command that was carried out. */
    static Map<String, Object> ok(String message) {
        return Map.of("ok", true, "message", message);
    }

    /** The answer to {@link Status}: {@code ok} and the status's JSON form. */
    static Map<String, Object> status(PoolStatus status) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.putAll(StatusCodec.toMap(status));
        return answer;
    }

    /** The answer to a command that was not. */
    static Map<String, Object> failure(String error) {
        return Map.of("ok", false, "error", error);
    }

    /**
     * The command {@code name} with its JSON arguments: {@code status}, {@code stop} ({@code timeout_ms}),
     * {@code reload} ({@code reread}: true to read the file again; {@code group}), {@code scale}
     * ({@code workers}; {@code group}).
     *
     * @throws IllegalArgumentException for an unknown command or a bad argument, saying which
     */
    static ControlCommand parse(String name, Map<String, Object> args) {
        return switch (name) {
            case "status" -> new Status();
            case "stop" -> {
                Object ms = args.get("timeout_ms");
                if (ms != null && !(ms instanceof Number)) {
                    throw new IllegalArgumentException(
                            "stop: timeout_ms must be a number of milliseconds, but was " + ms);
                }
                yield new Stop(ms == null ? null : Duration.ofMillis(((Number) ms).longValue()));
            }
            case "reload" -> new Reload(Boolean.TRUE.equals(args.get("reread")), group(args));
            case "scale" -> {
                if (!(args.get("workers") instanceof Number n)
                        || n.intValue() < 1
                        || n.intValue() > PoolConfig.MAX_WORKERS) {
                    throw new IllegalArgumentException(
                            "workers must be from 1 to " + PoolConfig.MAX_WORKERS + ", but was " + args.get("workers"));
                }
                yield new Scale(group(args), n.intValue());
            }
            default -> throw new IllegalArgumentException("unknown command " + name);
        };
    }

    private static String group(Map<String, Object> args) {
        Object group = args.get("group");
        if (group != null && !(group instanceof String)) {
            throw new IllegalArgumentException("group must be a group's name, but was " + group);
        }
        return (String) group;
    }
}
