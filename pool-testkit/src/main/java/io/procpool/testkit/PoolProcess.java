package io.procpool.testkit;

import io.procpool.PoolControl;
import io.procpool.PoolStatus;
import io.procpool.QueueClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real pool for a test: a manager JVM started with {@code pool start} on a configuration in
 * a test directory, with the test's own classpath, its output in {@code manager.log}. Offers
 * status, the CLI, signals and kills, and on {@link #close()} kills whatever of its process
 * tree is still alive, also when the test failed. One instance per test; the test thread.
 */
public final class PoolProcess implements AutoCloseable {

    /** What a CLI run printed and returned. */
    public record CliResult(int exitCode, String output) {}

    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String CLI = "io.procpool.cli.PoolCli";

    /** The longest Unix socket path the JDK binds (sun_path's 108 bytes less its own margin), in bytes. */
    private static final int SOCKET_PATH_MAX = 106;

    private static final String LONGEST_SOCKET = "/control.sock";

    private final Path dir;
    private final Path runDir;
    private final boolean ownRunDir;
    private final Process manager;
    private final Set<Long> seenPids = ConcurrentHashMap.newKeySet();

    private PoolProcess(Path dir, Path runDir, Process manager) {
        this.dir = dir;
        this.runDir = runDir;
        this.ownRunDir = !runDir.equals(dir.resolve("run"));
        this.manager = manager;
        seenPids.add(manager.pid());
    }

    /** Writes {@code yaml} to {@code dir/pool.yaml} and runs {@code pool start} on it (returns at once). */
    public static PoolProcess start(Path dir, String yaml, String... extraArgs) throws IOException {
        return start(dir, yaml, Map.of(), extraArgs);
    }

    /** As {@link #start(Path, String, String...)}, with {@code env} added to the manager's environment. */
    public static PoolProcess start(Path dir, String yaml, Map<String, String> env, String... extraArgs)
            throws IOException {
        Files.createDirectories(dir);
        Path runDir = dir.resolve("run");
        int socketPathBytes = (runDir + LONGEST_SOCKET).getBytes(StandardCharsets.UTF_8).length;
        if (socketPathBytes > SOCKET_PATH_MAX && !yaml.contains("run_dir")) {
            // A project in a deep directory: its sockets could not be bound under target/. They go to a
            // short directory of the pool's own, which run/ links to, so the pool's files are found there.
            runDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "procpool-run-");
            Files.createSymbolicLink(dir.resolve("run"), runDir);
            yaml = yaml + "\nrun_dir: '" + runDir + "'\n";
        }
        Files.writeString(dir.resolve("pool.yaml"), yaml);
        List<String> cmd = javaCommand("start", "-c", dir.resolve("pool.yaml").toString());
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("manager.log").toFile());
        pb.environment().putAll(env);
        return new PoolProcess(dir, runDir, pb.start());
    }

    /** A {@code java … PoolCli <args>} command line with this JVM's java and classpath. */
    public static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(
                List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), CLI));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public long pid() {
        return manager.pid();
    }

    public Process process() {
        return manager;
    }

    /** Where the pool's sockets and pid file are: {@code run/}, or the short directory it links to. */
    public Path runDir() {
        return runDir;
    }

    /** The manager's output so far (both streams, its workers' lines included). */
    public String log() {
        try {
            return Files.readString(dir.resolve("manager.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** {@code pool status}, as {@link PoolControl#status()} reads it. */
    public PoolStatus status() throws IOException {
        PoolStatus s = control().status();
        for (PoolStatus.Worker w : s.workers()) {
            if (w.pid() > 0) {
                seenPids.add(w.pid());
            }
        }
        return s;
    }

    /** The pool's control socket, for stop, reload and scale. */
    public PoolControl control() {
        return PoolControl.of(runDir());
    }

    /** Pushes text messages into the pool's queue {@code default}; returns their ids once the pool has stored them. */
    public List<String> push(List<String> bodies) throws IOException {
        try (QueueClient client = QueueClient.connect(runDir())) {
            return client.push(
                    "default",
                    bodies.stream().map(b -> b.getBytes(StandardCharsets.UTF_8)).toList());
        }
    }

    /**
     * Polls the status every 50 ms until {@code condition} holds; fails at once when the manager exits,
     * and after {@code timeout} with the last status, the last error and the manager's log.
     */
    public PoolStatus awaitStatus(String what, Predicate<PoolStatus> condition, Duration timeout)
            throws IOException, InterruptedException {
        AtomicReference<PoolStatus> last = new AtomicReference<>();
        AtomicReference<IOException> lastError = new AtomicReference<>();
        try {
            return Awaitility.await(what)
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                if (!manager.isAlive()) {
                                    throw new AssertionError("the manager exited with " + manager.exitValue()
                                            + " while waiting for " + what + "\n--- manager.log ---\n" + log());
                                }
                                try {
                                    last.set(status());
                                } catch (IOException e) {
                                    lastError.set(e); // not listening yet
                                    return null;
                                }
                                return last.get();
                            },
                            s -> s != null && condition.test(s));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last status "
                    + last.get()
                    + (lastError.get() == null ? "" : "; last error " + lastError.get()) + "\n--- manager.log ---\n"
                    + log());
        }
    }

    /** Waits until exactly {@code n} workers are READY in distinct slots. */
    public PoolStatus awaitReady(int n, Duration timeout) throws IOException, InterruptedException {
        return awaitStatus(
                n + " ready workers", s -> s.readyCount() == n && s.workers().size() == n, timeout);
    }

    /** Waits until the workers together have {@code n} messages inside {@code onMessage}. */
    public PoolStatus awaitInFlight(int n, Duration timeout) throws IOException, InterruptedException {
        return awaitStatus(n + " message(s) in flight", s -> s.inFlight() == n, timeout);
    }

    /** Sends a signal by name ("TERM", "USR1", …) to the manager. */
    public void signal(String name) throws IOException, InterruptedException {
        int code = new ProcessBuilder("kill", "-s", name, Long.toString(pid()))
                .inheritIO()
                .start()
                .waitFor();
        if (code != 0) {
            throw new IOException("kill -s " + name + " " + pid() + " exited with " + code);
        }
    }

    /** Runs the real CLI ({@code pool <args> --run-dir <run>}) in its own JVM and returns its exit code and output. */
    public CliResult cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = javaCommand(args);
        cmd.add("--run-dir=" + runDir());
        return run(cmd, dir);
    }

    /** Runs a command in {@code dir}, waiting up to 60 s; output is stdout and stderr together. */
    public static CliResult run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "cli", ".out");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command did not finish within 60 s: " + cmd);
        }
        return new CliResult(p.exitValue(), Files.readString(out));
    }

    /** Waits for the manager to exit; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!manager.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the manager did not exit within " + timeout + "\n--- manager.log ---\n" + log());
        }
        return manager.exitValue();
    }

    /** Every pid this pool has shown (manager and workers) that is still running. */
    public List<Long> livePids() {
        return seenPids.stream().filter(PoolProcess::isRunning).toList();
    }

    /**
     * Whether {@code pid} is a running process. A zombie (state Z: exited, not yet reaped) is
     * not: an orphaned worker is reparented to PID 1, and on some machines PID 1 reaps late.
     */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Kills the manager and every worker still alive: only processes this pool started, by pid. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>();
        manager.toHandle().descendants().forEach(tree::add);
        manager.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        for (long pid : seenPids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (h.isAlive() && isOurs(h)) {
                    h.destroyForcibly();
                }
            });
        }
        if (ownRunDir) {
            deleteQuietly(runDir); // made for this pool in the temp directory: nothing of it is left there
        }
    }

    private static void deleteQuietly(Path tree) {
        try (var paths = Files.walk(tree)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // a file left in the temp directory is no reason to fail a test
        }
    }

    /** A pid may have been reused by now; only kill it if it is still a procpool worker of this pool. */
    private boolean isOurs(ProcessHandle h) {
        return commandLineContains(h.pid(), runDir().toString());
    }

    /**
     * Whether the command line of {@code pid} contains {@code text}. Read from {@code /proc}: the JDK's
     * {@code ProcessHandle.Info.arguments()} is empty for a command line of a few KiB, and a worker's,
     * with its classpath, is longer, so an orphaned worker was never recognised, and never killed.
     */
    static boolean commandLineContains(long pid, String text) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(cmdline, StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .contains(text);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
