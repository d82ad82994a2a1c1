package io.procpool.internal.manager;

import io.procpool.internal.config.PoolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The settings a reload cannot apply, because something that lives as long as the manager was
 * built from them: the run and data directories (the lock, the sockets, the queue database), the HTTP
 * endpoint, the
 * source type, the built-in queue's name and durability (its store), and every setting of a source
 * the manager runs (TCP process mode: the listener) but its {@code prefetch}. Everything else a
 * reload applies: the supervisor reads it live, or each worker reads it when it starts, and the
 * rolling restart starts every worker anew. Stateless; the supervisor thread.
 */
final class RestartOnlySettings {

    private RestartOnlySettings() {}

    /**
     * The restart-only settings whose value differs between the running configuration and the
     * reread one, as {@code key: old -> new}; empty when the reload may go ahead.
     */
    static List<String> changed(PoolConfig running, PoolConfig next) {
        List<String> changed = new ArrayList<>();
        compare(changed, "run_dir", running.runDir(), next.runDir());
        compare(changed, "data_dir", running.dataDir(), next.dataDir());
        compare(
                changed,
                "http.listen",
                running.admin().shownListen(),
                next.admin().shownListen());
        compare(
                changed,
                "http.ready_min",
                running.admin().readyMin(),
                next.admin().readyMin());
        compare(
                changed,
                "log_format",
                running.log().json() ? "json" : "text",
                next.log().json() ? "json" : "text");
        compare(changed, "log_file", running.log().file(), next.log().file());
        compare(changed, "log_max_size", running.log().maxBytes(), next.log().maxBytes());
        compare(changed, "log_keep", running.log().keep(), next.log().keep());
        compare(
                changed,
                "isolation",
                running.threadIsolation() ? "thread" : "process",
                next.threadIsolation() ? "thread" : "process");
        if (!running.sourceType().equals(next.sourceType())) {
            compare(changed, "source.type", running.sourceType(), next.sourceType());
            return changed; // another source: its own keys are not comparable
        }
        // A source that moves (TCP process mode to base mode) is another source: none of its keys reloads.
        boolean moved = running.source().placement() != next.source().placement();
        Map<String, String> before = running.sourceSettings().asMap();
        Map<String, String> after = next.sourceSettings().asMap();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            if (moved || !running.source().reloadable(key)) {
                compare(changed, "source." + key, shownValue(running, key), shownValue(next, key));
            }
        }
        return changed;
    }

    /** The value of {@code source.key} as it applies: the typed one for the queue's durability, else as given. */
    private static String shownValue(PoolConfig config, String key) {
        if (key.equals("durability") && config.queue() != null) {
            return config.queue().durability().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (key.equals("queue") && config.queue() != null) {
            return config.queue().queue();
        }
        return config.sourceSettings().asMap().get(key);
    }

    private static void compare(List<String> changed, String key, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            changed.add(key + ": " + shown(running) + " -> " + shown(next));
        }
    }

    private static String shown(Object value) {
        return value == null ? "(unset)" : String.valueOf(value);
    }

    /** The message for a refused reload. */
    static String refusal(List<String> changed) {
        return "configuration reload refused, the running configuration stays: " + String.join(", ", changed)
                + (changed.size() == 1 ? " needs" : " need") + " a restart of the pool (pool stop, then pool start)";
    }
}
