package io.procpool.bench;

import io.procpool.internal.control.ControlClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops a real pool (manager and worker JVMs, from the benchmark's classpath) for a
 * benchmark row, logging to {@code pool.log} in its directory. Called from the benchmark's main thread.
 */
final class BenchPool {

    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private BenchPool() {}

    /** Starts a pool with {@code yaml} (2 workers expected) and waits until both are READY. */
    static Process start(Path dir, String yaml) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pool.yaml"), yaml);
        Process p = new ProcessBuilder(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.procpool.cli.PoolCli", "start", "-c", dir.resolve("pool.yaml").toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pool.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                Map<String, Object> s = ControlClient.call(dir.resolve("run"), Map.of("command", "status"));
                @SuppressWarnings("unchecked")
                Map<String, Object> pool = (Map<String, Object>) s.get("pool");
                if (((Number) pool.get("workers_ready")).intValue() == 2) {
                    return p;
                }
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the pool did not start: " + Files.readString(dir.resolve("pool.log")));
                }
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the pool was not ready; see " + dir.resolve("pool.log"));
    }

    /** The pids of the pool's workers. */
    static java.util.List<Long> workerPids(Path dir) throws IOException {
        Map<String, Object> s = ControlClient.call(dir.resolve("run"), Map.of("command", "status"));
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> workers = (java.util.List<Map<String, Object>>) s.get("workers");
        return workers.stream().map(w -> ((Number) w.get("pid")).longValue()).toList();
    }

    /** Stops the pool gracefully; kills it if it has not exited within a minute. */
    static void stop(Path dir, Process p) throws Exception {
        try {
            ControlClient.call(dir.resolve("run"), Map.of("command", "stop"));
            p.waitFor(60, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
    }
}
