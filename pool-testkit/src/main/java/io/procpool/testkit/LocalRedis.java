package io.procpool.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-server} of a test's own on 127.0.0.1:{@code port}, for tests in which Redis comes up
 * after a pool, goes away, or is killed and comes back: {@link #kill()} ends it with SIGKILL by its
 * pid, {@link #restart()} starts it again on the same port and files, so with the append-only file on
 * it comes back with every write it had acknowledged. Its files and log stay under
 * {@code target/procpool-fixtures/}. The test's thread.
 */
public final class LocalRedis implements AutoCloseable {

    private final Path binary;
    private final int port;
    private final boolean appendOnly;
    private final Path dir;
    private LocalServer server;

    private LocalRedis(Path binary, int port, boolean appendOnly, Path dir) {
        this.binary = binary;
        this.port = port;
        this.appendOnly = appendOnly;
        this.dir = dir;
    }

    /**
     * Starts one with no data. {@code appendOnly}: every write goes to an append-only file first (fsynced
     * each second), so a SIGKILLed server keeps what it acknowledged. Needs {@code redis-server} on PATH.
     */
    public static LocalRedis start(int port, boolean appendOnly) throws IOException, InterruptedException {
        Path binary = Executables.find("redis-server")
                .orElseThrow(() -> new IllegalStateException(
                        "no redis-server on PATH: install it (apt-get install redis-server)"));
        LocalRedis redis = new LocalRedis(binary, port, appendOnly, LocalServer.workDir("redis"));
        redis.restart();
        return redis;
    }

    /** Starts it (again): same port, same files. */
    public void restart() throws IOException, InterruptedException {
        if (server != null && server.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is still running");
        }
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                dir.toString()));
        cmd.addAll(
                appendOnly
                        ? List.of("--appendonly", "yes", "--appendfsync", "everysec")
                        : List.of("--appendonly", "no"));
        server = LocalServer.start(
                "redis-server",
                cmd,
                dir,
                dir.resolve("redis.log"),
                "Ready to accept connections",
                Duration.ofSeconds(30));
    }

    /** SIGKILL, by its pid; returns once it has exited. */
    public void kill() throws InterruptedException {
        server.kill();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "redis-server on 127.0.0.1:" + port + " (" + server + ")";
    }
}
