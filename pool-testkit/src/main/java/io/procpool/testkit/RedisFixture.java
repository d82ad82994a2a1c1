package io.procpool.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Redis for tests: {@code @RegisterExtension static RedisFixture redis = new RedisFixture();}
 * then {@link #url()}. The server is started once per test run (JVM) and stopped when it exits, from
 * the first backend that can be had: {@code PROCPOOL_TEST_REDIS_URL} when set (an explicit choice
 * wins); Testcontainers ({@code redis:7-alpine}) when Docker runs; a private {@code redis-server}
 * from PATH on a free loopback port otherwise. One log line says which. With none, the tests are
 * skipped with a message that says how to get one, never silently. Thread-safe.
 */
public final class RedisFixture implements BeforeAllCallback, TestWatcher {

    /** The run's server: one per JVM, whatever number of test classes and engines use it; stopped when the JVM exits. */
    private static final OncePerJvm<Backend> SHARED = new OncePerJvm<>(RedisFixture::start);

    private volatile Backend backend;

    /** One running Redis, shared by the whole test run. */
    record Backend(String url, String description, AutoCloseable stop, Path log, String unavailable)
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

    /** {@code redis://host:port}. */
    public String url() {
        return running().url();
    }

    public String host() {
        return java.net.URI.create(url()).getHost();
    }

    public int port() {
        return java.net.URI.create(url()).getPort();
    }

    /** How this run got its Redis, e.g. "local redis-server on 127.0.0.1:41234". */
    public String description() {
        return running().description();
    }

    private Backend running() {
        if (backend == null) {
            throw new IllegalStateException(
                    "RedisFixture is not started: register it with @RegisterExtension on a static field");
        }
        return backend;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (backend != null && backend.log() != null) {
            System.err.println("[procpool-testkit] Redis log of this run: " + backend.log());
        }
    }

    /** How many times this JVM chose a backend: 1 after any number of test classes. */
    public static int starts() {
        return SHARED.starts();
    }

    private static Backend start() {
        Backend b = pick(System.getenv());
        System.err.println("[procpool-testkit] Redis: "
                + (b.unavailable() == null ? b.description() : "none: " + b.unavailable()));
        return b;
    }

    /**
     * A redis-server of the caller's own on 127.0.0.1:{@code port}, started now (with no data) and
     * ended by its pid on close: for a test in which Redis comes up after a pool, or goes away.
     * Needs {@code redis-server} on PATH; fails with a message saying so otherwise. {@link LocalRedis}
     * does more: kill it and start it again.
     */
    public static AutoCloseable startLocal(int port) throws IOException, InterruptedException {
        return LocalRedis.start(port, false);
    }

    private static LocalServer local(Path binary, int port) throws IOException, InterruptedException {
        Path dir = LocalServer.workDir("redis");
        Path log = dir.resolve("redis.log");
        return LocalServer.start(
                "redis-server",
                List.of(
                        binary.toString(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString()),
                dir,
                log,
                "Ready to accept connections",
                Duration.ofSeconds(30));
    }

    /** The first backend that can be had, in the documented order; {@code env} is the environment. */
    static Backend pick(Map<String, String> env) {
        String url = env.get("PROCPOOL_TEST_REDIS_URL");
        if (url != null && !url.isBlank()) {
            return new Backend(url, url + " from PROCPOOL_TEST_REDIS_URL", null, null, null);
        }
        if (DockerCheck.available()) {
            GenericContainer<?> c = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
            c.start();
            return new Backend(
                    "redis://" + c.getHost() + ":" + c.getMappedPort(6379),
                    "Testcontainers redis:7-alpine",
                    c::stop,
                    null,
                    null);
        }
        Optional<Path> binary = Executables.find("redis-server");
        if (binary.isEmpty()) {
            return new Backend(
                    null,
                    null,
                    null,
                    null,
                    "no Redis for these tests: install redis-server "
                            + "(apt-get install redis-server), or set PROCPOOL_TEST_REDIS_URL=redis://host:port, or run Docker");
        }
        try {
            int port = LocalServer.freePort();
            LocalServer server = local(binary.get(), port);
            return new Backend(
                    "redis://127.0.0.1:" + port,
                    "local redis-server (" + binary.get() + ") on 127.0.0.1:" + port + ", no Docker; log "
                            + server.log(),
                    server,
                    server.log(),
                    null);
        } catch (IOException e) {
            return new Backend(null, null, null, null, "the local redis-server did not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Backend(null, null, null, null, "interrupted while starting redis-server");
        }
    }
}
