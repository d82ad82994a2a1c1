package io.procpool.internal.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a pool's configuration from its three layers, later ones winning key by key: the YAML
 * file, {@code POOL_*} environment variables ({@code POOL_MAX_WAIT_TIME} sets
 * {@code max_wait_time}, {@code POOL_SOURCE_TYPE} sets {@code source.type}), then CLI flags.
 * Stateless; called by the CLI thread at start and by the supervisor thread on HUP.
 */
public final class ConfigLoader {

    /** Environment variables that belong to the launcher, not to the configuration. */
    private static final List<String> NOT_CONFIG = List.of("POOL_CONFIG", "POOL_JAVA_HOME", "POOL_HOME");

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {}

    /**
     * Loads the configuration: the file, then the environment's {@code POOL_*} variables over it, then flags.
     *
     * @param configFile the YAML file, or null to use only env and flags (paths then resolve
     *     against the working directory)
     * @param env the environment (usually {@code System.getenv()})
     * @param flags values from CLI flags, by dotted key
     */
    public static PoolConfig load(Path configFile, Map<String, String> env, Map<String, Object> flags) {
        return loadLayout(configFile, env, flags).single("a pool embedded in a program (ConsumerPool)");
    }

    /**
     * Loads a configuration that may hold {@code groups:}: every group of the manager, as {@link #load}
     * reads the layers. {@code POOL_*} variables and flags set top-level keys, which groups inherit.
     */
    public static PoolLayout loadLayout(Path configFile, Map<String, String> env, Map<String, Object> flags) {
        RawConfig raw = new RawConfig();
        Path baseDir = Path.of("").toAbsolutePath();
        Path file = null;
        if (configFile != null) {
            file = configFile.toAbsolutePath().normalize();
            baseDir = file.getParent();
            readYaml(file, raw);
        }
        readEnv(env, raw);
        flags.forEach((k, v) -> raw.put(k, v, "--" + k.replace('_', '-')));
        return PoolLayout.from(raw, baseDir, file);
    }

    /**
     * The run directory a configuration names, without validating the rest: what the client
     * commands ({@code stop}, {@code status}, …) need to find a running pool.
     */
    public static Path runDirOf(Path configFile, Map<String, String> env) {
        RawConfig raw = new RawConfig();
        Path baseDir = Path.of("").toAbsolutePath();
        if (configFile != null) {
            Path file = configFile.toAbsolutePath().normalize();
            baseDir = file.getParent();
            readYaml(file, raw);
        }
        String envRunDir = env.get("POOL_RUN_DIR");
        if (envRunDir != null) {
            raw.put("run_dir", envRunDir, "environment POOL_RUN_DIR");
        }
        RawConfig.Entry e = raw.get("run_dir");
        return baseDir.resolve(e == null ? "run" : String.valueOf(e.value())).normalize();
    }

    static void readYaml(Path file, RawConfig raw) {
        JsonNode root;
        try {
            // A key written twice is a mistake whichever value was meant: refuse it.
            root = new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
                    .readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (JacksonException e) {
            throw new ConfigException(
                    "configuration file " + file + " is not valid YAML: " + e.getOriginalMessage() + locationOf(e));
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("configuration file " + file + " must hold a mapping of keys, " + "but holds a "
                    + root.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        flatten("", root, raw, file.getFileName().toString());
    }

    private static String locationOf(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    private static void flatten(String prefix, JsonNode node, RawConfig raw, String origin) {
        for (var it = node.properties().iterator(); it.hasNext(); ) {
            var field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && value.isEmpty() && prefix.equals("groups.")) {
                raw.put(key, "", origin); // a group that sets nothing still exists: it inherits every key
            } else if (value.isObject()) {
                flatten(key + ".", value, raw, origin);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                raw.put(key, items, origin);
            } else if (!value.isNull()) {
                raw.put(key, value.asText(), origin);
            }
        }
    }

    /**
     * {@code POOL_*} variables that name a configuration key. Another one ({@code POOL_SIZE} of some
     * other tool) is not this pool's business: it is logged and left alone, never fatal.
     */
    static void readEnv(Map<String, String> env, RawConfig raw) {
        // Sorted so that the first bad variable reported is the same on every run.
        for (var e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("POOL_") || NOT_CONFIG.contains(name)) {
                continue;
            }
            String key = keyOfEnv(name);
            if (!PoolConfig.KEYS.contains(key) && !key.startsWith("source.") && !key.startsWith("app.")) {
                log.warn(
                        "ignoring environment variable {}: it names no configuration key (POOL_<KEY> sets a key, e.g. "
                                + "POOL_WORKERS, POOL_SOURCE_QUEUE, POOL_APP_<NAME>)",
                        name);
                continue;
            }
            raw.put(key, textValue(key, e.getValue()), "environment " + name);
        }
    }

    /**
     * A value given as text (environment, {@code --set}): a list key is split, the classpath on
     * ':' or ',', {@code jvm_options} on white space; any other key stays one string.
     */
    public static Object textValue(String key, String text) {
        if (!PoolConfig.LIST_KEYS.contains(key)) {
            return text;
        }
        String sep = key.equals("classpath") ? "[:,]" : key.equals("retry.ignore") ? "[,\\s]+" : "\\s+";
        return Arrays.stream(text.trim().split(sep)).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * {@code POOL_MAX_WAIT_TIME} to {@code max_wait_time}; {@code POOL_SOURCE_X_Y} to {@code source.x_y};
     * {@code POOL_APP_GREETING} to {@code app.greeting}.
     */
    static String keyOfEnv(String name) {
        String tail = name.substring("POOL_".length()).toLowerCase(Locale.ROOT);
        for (String key : PoolConfig.KEYS) {
            if (key.replace('.', '_').equals(tail)) {
                return key;
            }
        }
        if (tail.startsWith("source_")) {
            return "source." + tail.substring("source_".length());
        }
        if (tail.startsWith("retry_")) {
            return "retry." + tail.substring("retry_".length());
        }
        if (tail.startsWith("app_")) {
            return "app." + tail.substring("app_".length());
        }
        return tail;
    }
}
