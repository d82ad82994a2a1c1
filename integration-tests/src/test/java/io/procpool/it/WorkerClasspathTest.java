package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.Consumer;
import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import io.procpool.testkit.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool that names its own classpath runs its consumer with the libraries that classpath holds, not
 * procpool's: a consumer built against Jackson 2.17.2 gets 2.17.2 although the manager runs 2.23, and a
 * consumer with logback and its logback.xml logs through them, each line tagged by its worker. The
 * consumers are compiled here, against procpool's public API only.
 */
@Timeout(180)
class WorkerClasspathTest {

    private static final Path LIBS = Path.of("target/user-libs").toAbsolutePath();

    @TempDir
    Path dir;

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }

    private static List<String> jars(String lib) throws Exception {
        try (Stream<Path> files = Files.list(LIBS.resolve(lib))) {
            return files.map(Path::toString)
                    .filter(n -> n.endsWith(".jar"))
                    .sorted()
                    .toList();
        }
    }

    /** Compiles {@code source} (class {@code com.acme.<name>}) against procpool's API and {@code libs}. */
    private Path compile(String name, String source, List<String> libs) throws Exception {
        Path src = dir.resolve("src/com/acme/" + name + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> cp = new ArrayList<>(List.of(location(Consumer.class), location(org.slf4j.Logger.class)));
        cp.addAll(libs);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int code = javac.run(null, null, null, "-d", classes.toString(), "-cp", String.join(":", cp), src.toString());
        assertThat(code).as("javac of " + name).isZero();
        return classes;
    }

    @Test
    void aConsumerBuiltAgainstJackson217RunsWithJackson217() throws Exception {
        assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
                .as("the manager's own Jackson")
                .isNotEqualTo("2.17.2");
        Path classes = compile("JsonConsumer", """
                package com.acme;

                import com.fasterxml.jackson.databind.ObjectMapper;
                import com.fasterxml.jackson.databind.cfg.PackageVersion;
                import io.procpool.Consumer;
                import io.procpool.Message;
                import io.procpool.WorkerContext;
                import java.nio.file.*;

                public class JsonConsumer implements Consumer {
                    private final ObjectMapper json = new ObjectMapper();

                    @Override
                    public void onStart(WorkerContext ctx) throws Exception {
                        Files.createDirectories(Path.of(ctx.config().get("app.record_dir")));
                    }

                    @Override
                    public void onMessage(Message m, WorkerContext ctx) throws Exception {
                        int order = json.readTree(m.body()).get("order").asInt();
                        Files.writeString(
                                Path.of(ctx.config().get("app.record_dir"), "jackson-" + ctx.pid() + ".log"),
                                PackageVersion.VERSION + " " + order + "\\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                }
                """, jars("jackson"));
        String yaml = Pools.yaml(
                "com.acme.JsonConsumer", 2, dir, "classpath: [" + classes + ", '" + LIBS.resolve("jackson") + "/*']");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(2, Duration.ofSeconds(60));
            pool.push(IntStream.range(0, 200)
                    .mapToObj(i -> "{\"order\":" + i + "}")
                    .toList());
            pool.awaitStatus("200 acked", s -> s.queue().acked() == 200, Duration.ofSeconds(60));
            List<String> lines = RecordedOutput.lines(dir.resolve("records"), "jackson-");
            assertThat(lines).hasSize(200).allSatisfy(l -> assertThat(l).startsWith("2.17.2 "));
            assertThat(lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).distinct())
                    .hasSize(200);
            String cmdline = new String(
                            Files.readAllBytes(Path.of(
                                    "/proc",
                                    Long.toString(pool.status().readyPids().get(0)),
                                    "cmdline")),
                            StandardCharsets.UTF_8)
                    .replace('\0', ' ');
            assertThat(cmdline)
                    .as("the worker's command line: the pool's classpath first, none of the manager's Jackson")
                    .contains("-cp " + classes + ":")
                    .doesNotContain("jackson-databind-2.2");
        }
    }

    @Test
    void aConsumerWithLogbackLogsThroughItsLogbackXmlTaggedByWorker() throws Exception {
        Path classes = compile("LoggingConsumer", """
                package com.acme;

                import io.procpool.Consumer;
                import io.procpool.Message;
                import io.procpool.WorkerContext;

                public class LoggingConsumer implements Consumer {
                    @Override
                    public void onMessage(Message m, WorkerContext ctx) {
                        ctx.logger().info("through logback: {}", m.bodyAsString());
                    }
                }
                """, jars("logback"));
        Files.writeString(classes.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>LOGBACK %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        String yaml = Pools.yaml(
                "com.acme.LoggingConsumer",
                1,
                dir,
                "classpath: [" + classes + ", '" + LIBS.resolve("logback") + "/*']");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(1, Duration.ofSeconds(60));
            pool.push(List.of("hello-logback"));
            pool.awaitStatus("1 acked", s -> s.queue().acked() == 1, Duration.ofSeconds(60));
            assertThat(Polls.until(
                            "the line in the manager's log",
                            Duration.ofSeconds(10),
                            () -> pool.log().contains("[worker-0] LOGBACK INFO through logback: hello-logback")))
                    .as(pool::log)
                    .isTrue();
        }
    }

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    /** A consumer of the pool's own classpath that records each body; the source runs in its worker. */
    private PoolProcess poolOnItsOwnClasspath(String... source) throws Exception {
        Path classes = compile("BodyConsumer", """
                package com.acme;

                import io.procpool.Consumer;
                import io.procpool.Message;
                import io.procpool.WorkerContext;
                import java.nio.file.*;

                public class BodyConsumer implements Consumer {
                    @Override
                    public void onMessage(Message m, WorkerContext ctx) throws Exception {
                        Path dir = Files.createDirectories(Path.of(ctx.config().get("app.record_dir")));
                        Files.writeString(dir.resolve("processed-" + ctx.pid() + ".log"),
                                "0 " + ctx.pid() + " " + m.id() + " " + m.attempt() + " 0 " + m.bodyAsString() + "\\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                }
                """, List.of());
        List<String> settings = new ArrayList<>(List.of("classpath: [" + classes + "]", "min_uptime: 0"));
        settings.addAll(List.of(source));
        PoolProcess pool =
                PoolProcess.start(dir, Pools.yaml("com.acme.BodyConsumer", 1, dir, settings.toArray(String[]::new)));
        pool.awaitReady(1, Duration.ofSeconds(60));
        return pool;
    }

    @Test
    void aRedisStreamPoolOnItsOwnClasspathGetsTheSourcesLibrariesFromTheIndex() throws Exception {
        String key = "cp" + System.nanoTime();
        try (PoolProcess pool = poolOnItsOwnClasspath(
                        "source.type: redis",
                        "source.uri: '" + redis.url() + "'",
                        "source.key: " + key,
                        "source.mode: stream");
                io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
                var c = client.connect()) {
            c.sync().xadd(key, java.util.Map.of("body", "via-redis"));
            assertThat(RecordedOutput.awaitProcessedBodies(1, Duration.ofSeconds(60), dir.resolve("records")))
                    .as(pool::log)
                    .containsExactly("via-redis");
        }
    }

    @Test
    void aKafkaPoolOnItsOwnClasspathGetsTheSourcesLibrariesFromTheIndex() throws Exception {
        String topic = "cp" + System.nanoTime();
        kafka.createTopic(topic, 1);
        KafkaTopics.produce(kafka.bootstrapServers(), topic, List.of("via-kafka"));
        try (PoolProcess pool = poolOnItsOwnClasspath(
                "source.type: kafka",
                "source.bootstrap: '" + kafka.bootstrapServers() + "'",
                "source.topics: " + topic,
                "source.group: g-" + topic)) {
            assertThat(RecordedOutput.awaitProcessedBodies(1, Duration.ofSeconds(60), dir.resolve("records")))
                    .as(pool::log)
                    .containsExactly("via-kafka");
        }
    }
}
