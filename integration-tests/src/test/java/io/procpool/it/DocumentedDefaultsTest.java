package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The defaults the configuration tables of the docs state are the defaults the code uses: for each row
 * whose default is a value, a configuration that sets the key to that value reads the same as one that
 * leaves it out. Rows whose default is not a value ("(required)", "number of CPUs") are left out.
 */
class DocumentedDefaultsTest {

    /** A row of a table: {@code | `key` | `default` ...}; the default may be followed by words. */
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_.]+)` \\| `([^`]*)`[^|]*\\|", Pattern.MULTILINE);

    /** Where each table stands, by its section's title, and which settings it documents. */
    private static final Map<String, String> TABLES = Map.of(
            "## Configuration reference",
            "pool",
            "## TCP listen mode",
            "tcp",
            "## Redis sources",
            "redis",
            "## Kafka source",
            "kafka",
            "## Task workers",
            "task");

    @TempDir
    Path dir;

    record Row(String table, String key, String value) {
        @Override
        public String toString() {
            return table + ": " + key + " = " + value;
        }
    }

    static Stream<Row> documentedDefaults() throws Exception {
        StringBuilder pages = new StringBuilder();
        for (Path page : DocumentedConfigsTest.documentationPages()) {
            pages.append('\n').append(Files.readString(page));
        }
        String readme = pages.toString();
        List<Row> rows = new ArrayList<>();
        for (var table : TABLES.entrySet()) {
            int start = readme.indexOf("\n" + table.getKey() + "\n");
            assertThat(start)
                    .as("section " + table.getKey() + " in the README or docs/")
                    .isPositive();
            int end = readme.indexOf("\n## ", start + 1);
            Matcher m = ROW.matcher(readme.substring(start, end < 0 ? readme.length() : end));
            while (m.find()) {
                rows.add(new Row(table.getValue(), m.group(1), m.group(2)));
            }
        }
        assertThat(rows).as("documented defaults").hasSizeGreaterThan(50);
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedDefaults")
    void theDocumentedDefaultIsTheDefault(Row row) throws Exception {
        switch (row.table()) {
            case "pool" -> {
                // an autoscaling key applies only beside workers.min and workers.max, a rotation key beside log_file
                String base = "consumer: com.acme.C\n"
                        + (row.key().startsWith("workers.") ? "workers.min: 1\nworkers.max: 4\n" : "")
                        + (row.key().matches("log_max_size|log_keep") ? "log_file: pool.log\n" : "");
                PoolConfig unset = load(base);
                PoolConfig set = load(base + row.key() + ": " + yamlValue(row.value()) + "\n");
                if (row.key().startsWith("source.") && !row.key().equals("source.type")) {
                    assertSame(row, unset.queue(), set.queue());
                } else {
                    assertSame(row, unset, set, "flat", "source");
                }
            }
            case "tcp" -> assertSourceDefault(row, "io.procpool.tcp.TcpSettings", Map.of("type", "tcp"));
            case "redis" -> assertSourceDefault(row, "io.procpool.redis.RedisSettings", Map.of("type", "redis"));
            case "task" -> assertSourceDefault(row, "io.procpool.internal.config.TaskSettings", Map.of("type", "task"));
            default ->
                assertSourceDefault(row, "io.procpool.kafka.KafkaSettings", Map.of("type", "kafka", "topics", "t"));
        }
    }

    /** Keys that apply in one mode only, with the settings of that mode. */
    private static final Map<String, Map<String, String>> MODE_OF = Map.of(
            "tcp.delimiter", Map.of("framing", "delimiter"),
            "redis.group", Map.of("mode", "stream"),
            "redis.claim_idle", Map.of("mode", "stream"),
            "redis.max_length", Map.of("mode", "stream"));

    private static void assertSourceDefault(Row row, String settingsClass, Map<String, String> base) throws Exception {
        Map<String, String> unset = new HashMap<>(base);
        unset.putAll(MODE_OF.getOrDefault(row.table() + "." + row.key(), Map.of()));
        Map<String, String> set = new HashMap<>(unset);
        set.put(row.key(), row.value());
        assertSame(row, settings(settingsClass, unset), settings(settingsClass, set));
    }

    @Test
    void everyTableIsFound() throws Exception {
        assertThat(documentedDefaults().map(Row::table).distinct())
                .containsExactlyInAnyOrder("pool", "tcp", "redis", "kafka", "task");
    }

    private PoolConfig load(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("pool.yaml"), yaml);
        return ConfigLoader.load(file, Map.of(), Map.of());
    }

    /** A value as written in a table, as YAML: lists stay lists, the rest is quoted. */
    private static String yamlValue(String value) {
        return value.startsWith("[") ? value : "'" + value.replace("'", "''") + "'";
    }

    /** An adapter's settings record parsed from {@code source.*} keys (its package-private {@code from}). */
    private static Object settings(String className, Map<String, String> source) throws Exception {
        Method from = Class.forName(className).getDeclaredMethod("from", io.procpool.spi.SourceSettings.class);
        from.setAccessible(true);
        return from.invoke(null, io.procpool.spi.SourceSettings.of(source));
    }

    /** Every component of the two records is equal (arrays by content), but those named. */
    private static void assertSame(Row row, Object unset, Object set, String... except) throws Exception {
        for (RecordComponent c : unset.getClass().getRecordComponents()) {
            if (List.of(except).contains(c.getName())) {
                continue;
            }
            Method accessor = c.getAccessor();
            accessor.setAccessible(true);
            Object a = accessor.invoke(unset);
            Object b = accessor.invoke(set);
            boolean same = (a instanceof java.util.regex.Pattern pa && b instanceof java.util.regex.Pattern pb)
                    ? pa.pattern().equals(pb.pattern())
                    : Objects.deepEquals(a, b);
            assertThat(same)
                    .as(row + ": " + c.getName() + " left unset is " + a + ", set to the documented default it is " + b)
                    .isTrue();
        }
    }
}
