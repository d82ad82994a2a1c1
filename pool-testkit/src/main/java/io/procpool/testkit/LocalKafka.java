package io.procpool.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker (broker and controller in one JVM) run from the {@code kafka_2.13}
 * jars on the classpath, on free loopback ports: what {@link KafkaFixture} falls back to, and what a
 * test uses on its own to stop a broker mid-run and start it again ({@link #stop()}, {@link #restart()}:
 * same ports, same data). Its files and logs stay under {@code target/procpool-fixtures/}. Starts in
 * about 3 s and takes about 400 MiB. The test's thread.
 */
public final class LocalKafka implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final Path properties;
    private LocalServer broker;
    private int runs;

    private LocalKafka(int port, Path dir, Path properties) {
        this.port = port;
        this.dir = dir;
        this.properties = properties;
    }

    /** Formats a new broker's storage and starts it; {@code overrides} add to or replace its {@code server.properties}. */
    public static LocalKafka start(Map<String, String> overrides) throws IOException, InterruptedException {
        int port = LocalServer.freePort();
        int controller = LocalServer.freePort();
        Path dir = LocalServer.workDir("kafka");
        Map<String, String> server = new LinkedHashMap<>();
        for (String line : List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // lets a test give a share group short record locks (a killed member's records come back sooner)
                "group.share.min.record.lock.duration.ms=1000",
                "num.partitions=1",
                "log.dirs=" + dir.resolve("data"))) {
            server.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        server.putAll(overrides);
        StringBuilder text = new StringBuilder();
        server.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path properties = Files.writeString(dir.resolve("server.properties"), text);
        Process format = new ProcessBuilder(
                        java(),
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        properties.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("format.log").toFile()))
                .start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("formatting its storage failed; see " + dir.resolve("format.log"));
        }
        LocalKafka kafka = new LocalKafka(port, dir, properties);
        kafka.restart();
        return kafka;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts the broker (again): same ports, same data; each run logs to a file of its own. */
    public void restart() throws IOException, InterruptedException {
        if (broker != null && broker.isAlive()) {
            throw new IllegalStateException("the Kafka broker on port " + port + " is still running");
        }
        runs++;
        Path log = dir.resolve("kafka-" + runs + ".log");
        broker = LocalServer.start(
                "kafka broker",
                List.of(
                        java(),
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "kafka.Kafka",
                        properties.toString()),
                dir,
                log,
                "Kafka Server started",
                Duration.ofSeconds(90));
    }

    /** A graceful stop (SIGTERM, by its pid); returns once the broker has exited. */
    public void stop() throws InterruptedException {
        broker.close();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The log of its current (or last) run. */
    public Path log() {
        return broker.log();
    }

    @Override
    public void close() throws InterruptedException {
        if (broker != null) {
            broker.close();
        }
    }
}
