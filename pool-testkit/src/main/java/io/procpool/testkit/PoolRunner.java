package io.procpool.testkit;

import io.procpool.Consumer;
import io.procpool.PoolStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real pool (manager and worker JVMs) inside a JUnit 5 test:
 * <pre>{@code
 * @RegisterExtension
 * PoolRunner pool = PoolRunner.of(MyConsumer.class).workers(2).set("source.type", "none");
 *
 * @Test void works() throws Exception {
 *     pool.set("app.redis_url", redis.url()).start();    // waits until every worker is READY
 *     ...
 *     assertThat(pool.log()).contains(...);
 * }
 * }</pre>
 * The pool runs from the test's classpath in a fresh directory under {@code target/procpool-pools},
 * and is torn down after each test, also when the test fails or times out: the manager and every
 * worker it started are killed by pid. Its log stays on disk; {@link #log()} reads it. Used from
 * the test's thread.
 */
public final class PoolRunner implements AfterEachCallback {

    private final Map<String, String> settings = new LinkedHashMap<>();
    private PoolProcess pool;
    private Path dir;
    private int workers = 1;

    private PoolRunner(String consumer) {
        settings.put("consumer", consumer);
        settings.put("max_wait_time", "5s");
    }

    public static PoolRunner of(Class<? extends Consumer> consumer) {
        return new PoolRunner(consumer.getName());
    }

    public PoolRunner workers(int n) {
        workers = n;
        return this;
    }

    /** A configuration key, as in pool.yaml ({@code source.type}, {@code app.anything}, ...). */
    public PoolRunner set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Starts the pool and waits (60 s at most) until all its workers are READY. */
    public PoolRunner start() throws IOException, InterruptedException {
        if (pool != null) {
            throw new IllegalStateException("this pool is already running");
        }
        dir = Files.createTempDirectory(
                Files.createDirectories(Path.of("target", "procpool-pools").toAbsolutePath()), "pool-");
        StringBuilder yaml = new StringBuilder("workers: " + workers + "\n");
        settings.forEach((k, v) ->
                yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
        pool = PoolProcess.start(dir, yaml.toString());
        try {
            pool.awaitReady(workers, Duration.ofSeconds(60));
        } catch (AssertionError | IOException | InterruptedException e) {
            close();
            throw e;
        }
        return this;
    }

    /** {@code pool status}. */
    public PoolStatus status() throws IOException {
        return running().status();
    }

    /**
     * Polls {@code pool status} until {@code condition} holds, e.g. {@code s -> s.pool().processed() == 3};
     * fails saying {@code what} and the last status after {@code timeout}, or at once if the manager exits.
     */
    public PoolStatus awaitStatus(String what, Predicate<PoolStatus> condition, Duration timeout)
            throws IOException, InterruptedException {
        return running().awaitStatus(what, condition, timeout);
    }

    /** Pushes into the built-in queue; returns the ids. */
    public List<String> push(List<String> bodies) throws IOException {
        return running().push(bodies);
    }

    /** SIGKILLs the READY worker of {@code slot}; the pool starts a new one. Returns its pid. */
    public long killWorker(int slot) throws IOException {
        PoolStatus.Worker worker = running()
                .status()
                .slot(slot)
                .filter(PoolStatus.Worker::isReady)
                .orElseThrow(() -> new IllegalStateException("no READY worker in slot " + slot));
        ProcessHandle.of(worker.pid()).ifPresent(ProcessHandle::destroyForcibly);
        return worker.pid();
    }

    /** Stops the pool gracefully (what {@code pool stop} does) and waits for it; returns its exit code. */
    public int stop() throws IOException, InterruptedException {
        running().cli("stop");
        int code = running().awaitExit(Duration.ofSeconds(60));
        close();
        return code;
    }

    /** The manager's and workers' log so far. */
    public String log() {
        return running().log();
    }

    /** Lines of the log that workers wrote (tagged {@code [worker-N]}). */
    public List<String> workerLines() {
        List<String> lines = new ArrayList<>();
        for (String l : log().split("\n")) {
            if (l.startsWith("[worker-")) {
                lines.add(l);
            }
        }
        return lines;
    }

    /** The pool's directory (pool.yaml, run/, data/, manager.log). */
    public Path dir() {
        return dir;
    }

    /** Every process of this pool still running (manager and workers it has shown). */
    public List<Long> livePids() {
        return pool == null ? List.of() : pool.livePids();
    }

    private PoolProcess running() {
        if (pool == null) {
            throw new IllegalStateException("the pool is not running: call start()");
        }
        return pool;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (pool != null && context.getExecutionException().isPresent()) {
            System.err.println(
                    "[procpool-testkit] the pool of the failed test logged to " + dir.resolve("manager.log"));
        }
        close();
    }

    private void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}
