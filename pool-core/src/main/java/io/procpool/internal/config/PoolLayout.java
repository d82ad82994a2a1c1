package io.procpool.internal.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The groups of one manager, each a validated {@link PoolConfig}: the one implicit group of a pool.yaml
 * without {@code groups:}, or the named groups of {@code groups:}, in the order the file names them.
 * A group inherits every top-level key it does not set; a group that sets any {@code source.*} key
 * gets its own source and none of the top-level one (a source's keys belong together). The manager's
 * own keys ({@link #MANAGER_KEYS}) are set once, at the top. Built by {@link ConfigLoader}; immutable.
 *
 * @param groups the groups, the first one first (TTIN and TTOU act on it)
 */
public record PoolLayout(List<PoolConfig> groups) {

    /** Keys of the manager as a whole: one run directory, one data directory, one stop deadline. */
    static final Set<String> MANAGER_KEYS = Set.of(
            "run_dir",
            "data_dir",
            "max_wait_time",
            "http.listen",
            "http.ready_min",
            "log_format",
            "log_file",
            "log_max_size",
            "log_keep");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final String PREFIX = "groups.";

    public PoolLayout {
        groups = List.copyOf(groups);
    }

    /** Validates {@code raw}: every group, then what groups must agree on. */
    static PoolLayout from(RawConfig raw, Path baseDir, Path configFile) {
        RawConfig.Entry bare = raw.get("groups");
        if (bare != null) {
            throw ConfigException.invalid(
                    "groups", "must be a mapping of group names to their settings", bare.value(), bare.origin());
        }
        Map<String, RawConfig> named = split(raw);
        if (named.isEmpty()) {
            return new PoolLayout(List.of(PoolConfig.from(raw, baseDir, configFile, null)));
        }
        List<PoolConfig> groups = new ArrayList<>();
        for (var g : named.entrySet()) {
            try {
                groups.add(PoolConfig.from(g.getValue(), baseDir, configFile, g.getKey()));
            } catch (ConfigException e) {
                throw new ConfigException("group " + g.getKey() + ": " + e.getMessage());
            }
        }
        checkQueues(groups);
        return new PoolLayout(groups);
    }

    /** Each named group's raw settings: the top level's, then its own over them. */
    private static Map<String, RawConfig> split(RawConfig raw) {
        Map<String, RawConfig> own = new LinkedHashMap<>();
        for (var e : raw.entries().entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            if (!NAME.matcher(name).matches()) {
                throw ConfigException.invalid(
                        PREFIX + name,
                        "a group's name is 1 to 32 lower-case letters, digits, '-' or '_', starting with a letter",
                        name,
                        e.getValue().origin());
            }
            RawConfig group = own.computeIfAbsent(name, n -> new RawConfig());
            if (dot < 0) {
                if (!"".equals(e.getValue().value())) {
                    throw ConfigException.invalid(
                            key,
                            "must be a mapping of the group's settings",
                            e.getValue().value(),
                            e.getValue().origin());
                }
                continue; // an empty group: it inherits everything
            }
            String groupKey = rest.substring(dot + 1);
            if (MANAGER_KEYS.contains(groupKey)) {
                throw ConfigException.invalid(
                        key,
                        "belongs to the manager as a whole: set it once at the top level, not in a group",
                        e.getValue().value(),
                        e.getValue().origin());
            }
            group.put(groupKey, e.getValue().value(), e.getValue().origin());
        }
        Map<String, RawConfig> merged = new LinkedHashMap<>();
        own.forEach((name, group) -> {
            boolean ownSource = group.entries().keySet().stream().anyMatch(k -> k.startsWith("source."));
            RawConfig m = new RawConfig();
            raw.entries().forEach((k, e) -> {
                if (!k.startsWith(PREFIX) && !(ownSource && k.startsWith("source."))) {
                    m.put(k, e.value(), e.origin());
                }
            });
            group.entries().forEach((k, e) -> m.put(k, e.value(), e.origin() + ", group " + name));
            merged.put(name, m);
        });
        return merged;
    }

    /** Queue groups share the manager's one queue database: one group per queue, one durability. */
    private static void checkQueues(List<PoolConfig> groups) {
        Map<String, String> readers = new LinkedHashMap<>();
        PoolConfig first = null;
        for (PoolConfig g : groups) {
            QueueSettings q = g.queue();
            if (q == null) {
                continue;
            }
            String other = readers.putIfAbsent(q.queue(), g.group());
            if (other != null) {
                throw ConfigException.invalid(
                        PREFIX + g.group() + ".source.queue",
                        "is read by group " + other + " already; a queue is served by one group"
                                + " (give this group a queue of its own, or more workers to the other)",
                        q.queue(),
                        null);
            }
            if (first == null) {
                first = g;
            } else if (first.queue().durability() != q.durability()) {
                throw ConfigException.invalid(
                        PREFIX + g.group() + ".source.durability",
                        "differs from group " + first.group() + "'s (" + durabilityOf(first)
                                + "): the queue groups of one pool share its queue database and its durability",
                        durabilityOf(g),
                        null);
            }
        }
    }

    private static String durabilityOf(PoolConfig g) {
        return g.queue().durability().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the groups are named ({@code groups:}), rather than the one implicit group. */
    public boolean named() {
        return groups.get(0).group() != null;
    }

    /** The first group: the one TTIN and TTOU scale, and the only one of a pool without {@code groups:}. */
    public PoolConfig first() {
        return groups.get(0);
    }

    /** The group named {@code name}, or null. */
    public PoolConfig group(String name) {
        for (PoolConfig g : groups) {
            if (name.equals(g.groupName())) {
                return g;
            }
        }
        return null;
    }

    /** The groups' names, in order. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        groups.forEach(g -> names.add(g.groupName()));
        return names;
    }

    /** The configuration of a pool that must have one group (an embedded pool, the offline queue tools). */
    public PoolConfig single(String what) {
        if (groups.size() > 1 || named()) {
            throw new ConfigException(what + " runs one consumer, and this configuration has groups: "
                    + String.join(", ", names()) + " (start it with pool start)");
        }
        return first();
    }
}
