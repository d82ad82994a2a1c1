package io.procpool.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private server process a fixture started (redis-server, a Kafka broker): its log file, a
 * wait for its "ready" line, and a stop that ends it by its pid. Used by the fixtures' threads.
 */
final class LocalServer implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private LocalServer(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Where fixtures keep their servers' files and logs: under the module's target directory. */
    static Path workDir(String what) throws IOException {
        Path base = Path.of(System.getProperty("procpool.fixtures.dir", "target/procpool-fixtures"));
        Files.createDirectories(base);
        return Files.createTempDirectory(base.toAbsolutePath(), what + "-");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code command} with its output in {@code log}, and waits for {@code readyLine} in it. */
    static LocalServer start(String name, List<String> command, Path dir, Path log, String readyLine, Duration timeout)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        LocalServer server = new LocalServer(name, p, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(readyLine)) {
                return server;
            }
            if (!p.isAlive()) {
                throw new IOException(
                        name + " exited with code " + p.exitValue() + " before it was ready; its log: " + log);
            }
            Thread.sleep(50);
        }
        server.close();
        throw new IOException(name + " was not ready after " + timeout.toSeconds() + " s; its log: " + log);
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL; returns once it has exited. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
