package io.procpool.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real Kafka broker for tests: {@code @RegisterExtension static KafkaFixture kafka = new KafkaFixture();}
 * then {@link #bootstrapServers()} and {@link #createTopic}. Started once per test run (JVM),
 * stopped when it exits, from the first backend that can be had: {@code PROCPOOL_TEST_KAFKA_BOOTSTRAP}
 * when set; Testcontainers ({@code apache/kafka}) when Docker runs; otherwise a single-node KRaft
 * broker run from its Maven artifacts ({@code kafka_2.13}, on the test classpath) in a child JVM on
 * free loopback ports. One log line says which; with none, the tests are skipped with a message.
 *
 * <p>Kafka's jars are optional dependencies of pool-testkit, so that a user's tests without Kafka do not
 * carry a broker: a project that uses this fixture adds {@code io.procpool:pool-testkit-kafka} (type
 * {@code pom}), and without it the tests are skipped saying so. This class names no Kafka type, so it
 * loads without them. Thread-safe.
 */
public final class KafkaFixture implements BeforeAllCallback, TestWatcher {

    /** The run's server: one per JVM, whatever number of test classes and engines use it; stopped when the JVM exits. */
    private static final OncePerJvm<Backend> SHARED = new OncePerJvm<>(KafkaFixture::start);

    private volatile Backend backend;

    /** A broker chosen as the fixture chooses one; {@link #close()} stops it when this run started it. */
    public record Backend(String bootstrap, String description, AutoCloseable stop, Path log, String unavailable)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (stop != null) {
                stop.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        backend = SHARED.get();
        Assumptions.assumeTrue(backend.unavailable() == null, () -> backend.unavailable());
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        if (backend == null) {
            throw new IllegalStateException(
                    "KafkaFixture is not started: register it with @RegisterExtension on a static field");
        }
        return backend.bootstrap();
    }

    public String description() {
        return backend.description();
    }

    /** Creates a topic (replication 1) unless it exists, and waits until it does. */
    public void createTopic(String name, int partitions) throws Exception {
        KafkaTopicAdmin.create(bootstrapServers(), name, partitions);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (backend != null && backend.log() != null) {
            System.err.println("[procpool-testkit] Kafka broker log of this run: " + backend.log());
        }
    }

    /**
     * A broker for code outside JUnit (benchmarks, tools), from the same backends in the same order;
     * the caller closes it. Throws when none can be had, saying why.
     */
    public static Backend standalone() {
        return standalone(Map.of());
    }

    /**
     * As {@link #standalone()}, with {@code serverProperties} added to (or overriding) the local broker's
     * {@code server.properties}; a broker from the environment or Docker is taken as it is.
     */
    public static Backend standalone(Map<String, String> serverProperties) {
        Backend b = pick(System.getenv(), serverProperties);
        if (b.unavailable() != null) {
            throw new IllegalStateException("no Kafka broker: " + b.unavailable());
        }
        return b;
    }

    /** How many times this JVM chose a backend: 1 after any number of test classes. */
    public static int starts() {
        return SHARED.starts();
    }

    private static Backend start() {
        Backend b = pick(System.getenv());
        System.err.println("[procpool-testkit] Kafka: "
                + (b.unavailable() == null ? b.description() : "none: " + b.unavailable()));
        return b;
    }

    /** The first backend that can be had, in the documented order; {@code env} is the environment. */
    static Backend pick(Map<String, String> env) {
        return pick(env, Map.of(), KafkaFixture::present);
    }

    private static Backend pick(Map<String, String> env, Map<String, String> serverProperties) {
        return pick(env, serverProperties, KafkaFixture::present);
    }

    /** As {@link #pick(Map)}, with {@code present} saying which classes the test's classpath has. */
    static Backend pick(Map<String, String> env, Map<String, String> serverProperties, Predicate<String> present) {
        if (!present.test("org.apache.kafka.clients.admin.Admin")) {
            return new Backend(
                    null, null, null, null, "KafkaFixture needs kafka-clients on the test classpath: " + ADD_KAFKA);
        }
        String given = env.get("PROCPOOL_TEST_KAFKA_BOOTSTRAP");
        if (given != null && !given.isBlank()) {
            return new Backend(given, given + " from PROCPOOL_TEST_KAFKA_BOOTSTRAP", null, null, null);
        }
        if (present.test("org.testcontainers.kafka.KafkaContainer") && DockerCheck.available()) {
            return KafkaTopicAdmin.container();
        }
        if (!present.test("kafka.Kafka")) {
            return new Backend(
                    null,
                    null,
                    null,
                    null,
                    "no Kafka broker: set PROCPOOL_TEST_KAFKA_BOOTSTRAP, run Docker, or " + ADD_KAFKA
                            + " (its local broker runs from org.apache.kafka:kafka_2.13)");
        }
        try {
            return localBroker(serverProperties);
        } catch (IOException | RuntimeException e) {
            return new Backend(
                    null,
                    null,
                    null,
                    null,
                    "the local Kafka broker did not start: " + e.getMessage()
                            + " (it runs from org.apache.kafka:kafka_2.13 on the test classpath; or set PROCPOOL_TEST_KAFKA_BOOTSTRAP, "
                            + "or run Docker)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Backend(null, null, null, null, "interrupted while starting the Kafka broker");
        }
    }

    /** What a project adds to get the Kafka pieces the testkit leaves optional. */
    static final String ADD_KAFKA =
            "add io.procpool:pool-testkit-kafka (<type>pom</type>, test scope) to the test dependencies";

    /** Whether {@code className} is on the classpath that loaded the testkit. */
    private static boolean present(String className) {
        try {
            Class.forName(className, false, KafkaFixture.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The local broker of {@link LocalKafka}. */
    private static Backend localBroker(Map<String, String> overrides) throws IOException, InterruptedException {
        LocalKafka kafka = LocalKafka.start(overrides);
        return new Backend(
                kafka.bootstrapServers(),
                "local KRaft broker from kafka_2.13 jars on " + kafka.bootstrapServers() + ", no Docker; log "
                        + kafka.log(),
                kafka,
                kafka.log(),
                null);
    }
}
