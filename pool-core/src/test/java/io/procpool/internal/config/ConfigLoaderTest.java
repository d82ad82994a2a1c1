package io.procpool.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private PoolConfig load(String yaml, Map<String, String> env, Map<String, Object> flags) throws IOException {
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, env, flags);
    }

    @Nested
    class Layers {
        @Test
        void readsTheFileAndResolvesPathsAgainstItsDirectory() throws IOException {
            PoolConfig c = load("""
                    consumer: com.acme.Orders
                    classpath: [target/classes, "lib/*"]
                    workers: 3
                    max_wait_time: 30s
                    max_memory: 64MiB
                    source: {type: queue, queue: orders, prefetch: 8}
                    """, Map.of(), Map.of());
            assertThat(c.workers()).isEqualTo(3);
            assertThat(c.maxWaitTime()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.maxMemoryBytes()).isEqualTo(64L << 20);
            assertThat(c.classpath()).containsExactly(dir.resolve("target/classes"), dir.resolve("lib/*"));
            assertThat(c.runDir()).isEqualTo(dir.resolve("run"));
            assertThat(c.queueName()).isEqualTo("orders");
            assertThat(c.queue().prefetch()).isEqualTo(8);
        }

        @Test
        void aPoolVariableThatNamesNoKeyIsLeftAloneAndPoolAppSetsAnAppKey() throws IOException {
            PoolConfig c = load(
                    "consumer: A\n",
                    Map.of(
                            "POOL_SIZE",
                            "big",
                            "POOL_RETRY_FOREVER",
                            "yes",
                            "POOL_APP_GREETING",
                            "hi",
                            "POOL_APP_MAX_ITEMS",
                            "3"),
                    Map.of());
            assertThat(c.flat())
                    .containsEntry("app.greeting", "hi")
                    .containsEntry("app.max_items", "3")
                    .doesNotContainKeys("size", "retry.forever");
        }

        @Test
        void environmentOverridesTheFileAndFlagsOverrideBoth() throws IOException {
            PoolConfig c = load(
                    "consumer: A\nworkers: 2\nmax_wait_time: 5s\n",
                    Map.of("POOL_WORKERS", "8", "POOL_MAX_WAIT_TIME", "7s", "POOL_SOURCE_QUEUE", "q", "HOME", "/root"),
                    Map.of("workers", "5"));
            assertThat(c.workers()).isEqualTo(5);
            assertThat(c.maxWaitTime()).isEqualTo(Duration.ofSeconds(7));
            assertThat(c.queueName()).isEqualTo("q");
        }

        @Test
        void appKeysReachTheConsumer() throws IOException {
            PoolConfig c = load("consumer: A\napp:\n  greeting: hi\n", Map.of(), Map.of());
            assertThat(c.flat()).containsEntry("app.greeting", "hi");
        }
    }

    @Nested
    class Errors {
        @Test
        void aRenamedKeyIsRefusedWithItsNewName() {
            assertThatThrownBy(() -> load("consumer: A\nretry: {max_attempts: 2}\n", Map.of(), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("retry.max_attempts")
                    .hasMessageContaining("renamed to retry.max_tries");
        }

        @Test
        void negativeWorkersNamesKeyAndValue() {
            assertThatThrownBy(() -> load("consumer: A\nworkers: -2\n", Map.of(), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("workers")
                    .hasMessageContaining("\"-2\"")
                    .hasMessageContaining("pool.yaml");
        }

        @Test
        void unknownKeyIsRefused() {
            assertThatThrownBy(() -> load("consumer: A\nworkerz: 2\n", Map.of(), Map.of()))
                    .hasMessageStartingWith("workerz: unknown key");
        }

        @Test
        void durationWithoutUnitIsRefused() {
            assertThatThrownBy(() -> load("consumer: A\nmax_wait_time: 30\n", Map.of(), Map.of()))
                    .hasMessageContaining("max_wait_time")
                    .hasMessageContaining("\"30\"")
                    .hasMessageContaining("unit");
        }

        @Test
        void badEnvironmentValueNamesTheVariable() {
            assertThatThrownBy(() -> load("consumer: A\n", Map.of("POOL_CONCURRENCY", "lots"), Map.of()))
                    .hasMessageContaining("concurrency")
                    .hasMessageContaining("environment POOL_CONCURRENCY");
        }

        @Test
        void missingConsumerSaysWhereToSetIt() {
            assertThatThrownBy(() -> load("workers: 2\n", Map.of(), Map.of()))
                    .hasMessageContaining("consumer: missing");
        }

        @Test
        void unknownSourceTypeIsRefused() {
            assertThatThrownBy(() -> load("consumer: A\nsource: {type: rabbit}\n", Map.of(), Map.of()))
                    .hasMessageContaining("source.type")
                    .hasMessageContaining("\"rabbit\"");
        }

        @Test
        void invalidYamlSaysWhichLine() {
            assertThatThrownBy(() -> load("consumer: A\nworkers: [1,\n", Map.of(), Map.of()))
                    .hasMessageContaining("not valid YAML");
        }

        @Test
        void listWhereAValueIsExpectedIsRefused() {
            assertThatThrownBy(() -> load("consumer: A\nworkers: [1, 2]\n", Map.of(), Map.of()))
                    .hasMessageContaining("workers: must be a single value");
        }
    }

    @Test
    void unitsParseDurationsAndSizes() {
        assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("0")).isZero();
        assertThat(Units.parseSizeBytes("1GiB")).isEqualTo(1L << 30);
        assertThat(Units.parseSizeBytes("10MB")).isEqualTo(10_000_000L);
        assertThatThrownBy(() -> Units.parseSizeBytes("12 parsecs")).isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(Units.format(Duration.ofMillis(1500)), Units.format(Duration.ofSeconds(3))))
                .containsExactly("1500ms", "3s");
    }
}
