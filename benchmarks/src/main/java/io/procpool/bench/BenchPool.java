package io.procpool.bench;

import io.procpool.PoolControl;
import io.procpool.PoolStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops a real pool (manager and worker JVMs, from the benchmark's classpath) for a
 * benchmark row, logging to {@code pool.log} in its directory, and reads its workers' memory from
 * {@code /proc}. Called from the benchmark's main thread.
 */
final class BenchPool {

    static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /**
     * The pool's default {@code jvm_options} (the configuration reference lists them), which the
     * baselines run with so that both sides of a row use the same JVM; {@link #start} checks that a
     * worker really runs with them.
     */
    static final List<String> WORKER_JVM_OPTIONS =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-XX:CICompilerCount=1");

    private BenchPool() {}

    static PoolControl control(Path dir) {
        return PoolControl.of(dir.resolve("run"));
    }

    /** Runs {@code pool start} on {@code dir/pool.yaml} from the benchmark's classpath, logging to {@code pool.log}. */
    static Process launch(Path dir) throws IOException {
        return new ProcessBuilder(
                        JAVA,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.procpool.cli.PoolCli",
                        "start",
                        "-c",
                        dir.resolve("pool.yaml").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve("pool.log").toFile()))
                .start();
    }

    /** Starts a pool with {@code yaml} (2 workers expected) and waits until both are READY. */
    static Process start(Path dir, String yaml) throws Exception {
        return start(dir, yaml, 2);
    }

    /** Starts a pool with {@code yaml} and waits until {@code workers} are READY. */
    static Process start(Path dir, String yaml, int workers) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pool.yaml"), yaml);
        Process p = launch(dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                PoolStatus s = control(dir).status();
                if (s.pool().workersReady() == workers) {
                    try {
                        checkJvmOptions(yaml, s.readyPids().get(0));
                    } catch (IOException | RuntimeException e) {
                        // the benchmark ends here: the pool it started must not outlive it
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                        throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((IOException) e);
                    }
                    return p;
                }
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(
                            "the pool did not start: " + Files.readString(dir.resolve("pool.log")));
                }
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the pool was not ready; see " + dir.resolve("pool.log"));
    }

    private static void checkJvmOptions(String yaml, long workerPid) throws IOException {
        if (yaml.contains("jvm_options") || yaml.contains("isolation: thread")) {
            return; // options of its own, or threads of the manager, which runs with none of the workers'
        }
        String cmdline = new String(
                        Files.readAllBytes(Path.of("/proc", Long.toString(workerPid), "cmdline")),
                        StandardCharsets.UTF_8)
                .replace('\0', ' ');
        for (String option : WORKER_JVM_OPTIONS) {
            if (!cmdline.contains(option)) {
                throw new IllegalStateException("the pool's default jvm_options no longer hold " + option
                        + "; update BenchPool.WORKER_JVM_OPTIONS (worker command: " + cmdline + ")");
            }
        }
    }

    /** The pids of the pool's workers. */
    static List<Long> workerPids(Path dir) throws IOException {
        return control(dir).status().workers().stream()
                .map(PoolStatus.Worker::pid)
                .toList();
    }

    /** Stops the pool gracefully; kills it if it has not exited within a minute. */
    static void stop(Path dir, Process p) throws Exception {
        try {
            control(dir).stop();
            p.waitFor(60, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Resident memory of {@code pid} in bytes, or -1 when it cannot be read. */
    static long rssBytes(long pid) {
        return kibField(pid, "status", "VmRSS:");
    }

    /** Proportional set size of {@code pid} in bytes (shared pages divided among their users), or -1. */
    static long pssBytes(long pid) {
        return kibField(pid, "smaps_rollup", "Pss:");
    }

    private static long kibField(long pid, String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone
        }
        return -1;
    }

    /** CPU time so far of these processes, in nanoseconds (0 for one that is gone). */
    static long cpuNanos(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            total += ProcessHandle.of(pid)
                    .flatMap(h -> h.info().totalCpuDuration())
                    .map(java.time.Duration::toNanos)
                    .orElse(0L);
        }
        return total;
    }
}
