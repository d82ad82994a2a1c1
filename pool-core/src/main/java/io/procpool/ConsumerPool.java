package io.procpool;

import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.control.StatusCodec;
import io.procpool.internal.manager.Manager;
import io.procpool.internal.manager.WorkerEntry;
import io.procpool.internal.worker.WorkerRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A pool embedded in a Java program: the program is the manager, and the workers are child JVMs.
 *
 * <pre>{@code
 * public static void main(String[] args) throws Exception {
 *     try (ConsumerPool pool = ConsumerPool.builder(OrderConsumer.class).workers(4).start()) {
 *         pool.awaitReady(Duration.ofSeconds(30));
 *         pool.push("order 1".getBytes());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The handler can be a {@link Consumer} class (its workers load it by name), or a lambda, a
 * static method reference or a bound method reference ({@code ConsumerPool.builder((m, ctx) ->
 * …)}). In the second case each worker runs the program's {@code main} again, the way Node's
 * {@code cluster} re-runs the script: there {@link Builder#start()} sees that it is in a worker,
 * serves messages with the handler and exits the JVM when the worker stops. Code before
 * {@code start()} therefore runs in every worker too; guard manager-only work with
 * {@link #isWorker()}.
 *
 * <p>A program that exits without closing the pool (System.exit, or its main returning while the
 * pool runs) stops it gracefully first, from a shutdown hook: workers finish what they run and
 * {@code onStop}, within {@code max_wait_time}.
 *
 * <p>Thread-safe: every method may be called from any thread. The manager runs on a thread of
 * its own ("procpool-manager"); listeners are called on it.
 */
public final class ConsumerPool implements AutoCloseable {

    private final Manager manager;
    private final Thread thread;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final PoolConfig config;
    /** Stops the pool gracefully when the program exits without closing it (System.exit, the end of main). */
    private final Thread shutdownHook;

    private ConsumerPool(PoolConfig config, Manager manager) {
        this.config = config;
        this.manager = manager;
        this.thread = Thread.ofPlatform().name("procpool-manager").start(() -> {
            try {
                exit.complete(manager.run(false));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
        this.shutdownHook = Thread.ofPlatform().name("procpool-shutdown").unstarted(() -> {
            try {
                stop(config.maxWaitTime());
            } catch (InterruptedException | RuntimeException e) {
                // the JVM is exiting: the workers see their manager go and exit too
            }
        });
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A pool whose workers load {@code consumer} by name. */
    public static Builder builder(Class<? extends Consumer> consumer) {
        return new Builder(consumer.getName(), null);
    }

    /** A pool whose workers serve {@code handler}: a lambda, a method reference or an instance. */
    public static Builder builder(Consumer handler) {
        return new Builder(null, handler);
    }

    /** True in a worker JVM started by an embedded pool (a re-run of the program's main). */
    public static boolean isWorker() {
        return System.getProperty(WorkerRuntime.WORKER_PROPERTY) != null;
    }

    /** Waits until every worker is READY. */
    public void awaitReady(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            PoolStatus.Pool pool = status().pool();
            if (pool.workersReady() == pool.workersTarget()) {
                return;
            }
            failIfStopped();
            Thread.sleep(20);
        }
        throw new TimeoutException("the workers were not ready within " + timeout + ": " + status());
    }

    /** The same report as {@code pool status}. */
    public PoolStatus status() throws InterruptedException {
        return StatusCodec.fromMap(call("status", Map.of()));
    }

    /** Pushes messages into the pool's queue; returns their ids. */
    @SuppressWarnings("unchecked")
    public List<String> push(byte[]... bodies) throws InterruptedException {
        Map<String, Object> answer = manager.push(config.queueName(), Arrays.asList(bodies));
        if (!Boolean.TRUE.equals(answer.get("ok"))) {
            throw new IllegalStateException("push refused: " + answer.get("error"));
        }
        return (List<String>) answer.get("ids");
    }

    /** Pushes text messages (UTF-8). */
    public List<String> push(String... bodies) throws InterruptedException {
        return push(Arrays.stream(bodies)
                .map(b -> b.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new));
    }

    public void scale(int workers) throws InterruptedException {
        call("scale", Map.of("workers", workers));
    }

    /** Rolling restart of every worker. */
    public void reload() throws InterruptedException {
        call("reload", Map.of());
    }

    /**
     * Graceful stop: no new messages, in-flight ones finish within {@code timeout}, then workers
     * still alive are killed. Returns when the pool has stopped.
     */
    public void stop(Duration timeout) throws InterruptedException {
        if (!exit.isDone()) {
            call("stop", Map.of("timeout_ms", timeout.toMillis()));
        }
        thread.join(timeout.toMillis() + 15_000);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already exiting: the hook runs, and finds the pool stopped
            }
        }
    }

    /** Stops within the configured {@code max_wait_time}. */
    @Override
    public void close() throws InterruptedException {
        stop(config.maxWaitTime());
    }

    private Map<String, Object> call(String command, Map<String, Object> args) throws InterruptedException {
        failIfStopped();
        try {
            Map<String, Object> answer = manager.command(command, args).get(10, TimeUnit.SECONDS);
            if (!Boolean.TRUE.equals(answer.get("ok"))) {
                throw new IllegalStateException(command + " failed: " + answer.get("error"));
            }
            return answer;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(command + " got no answer from the pool", e);
        }
    }

    private void failIfStopped() {
        if (exit.isCompletedExceptionally()) {
            try {
                exit.join();
            } catch (RuntimeException e) {
                throw new IllegalStateException("the pool failed: " + e.getCause(), e.getCause());
            }
        }
    }

    /** Configures an embedded pool; any configuration key can be set with {@link #set}. */
    public static final class Builder {
        private final Consumer handler;
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private final List<PoolListener> listeners = new ArrayList<>();
        private List<String> programCommand;

        private Builder(String consumerClass, Consumer handler) {
            this.handler = handler;
            settings.put(
                    "consumer",
                    consumerClass != null ? consumerClass : handler.getClass().getName());
            settings.put("run_dir", "run");
        }

        public Builder workers(int workers) {
            return set("workers", Integer.toString(workers));
        }

        public Builder concurrency(int concurrency) {
            return set("concurrency", Integer.toString(concurrency));
        }

        public Builder runDir(Path runDir) {
            return set("run_dir", runDir.toAbsolutePath().toString());
        }

        /** Any configuration key, as in {@code pool.yaml}: {@code set("max_wait_time", "30s")}. */
        public Builder set(String key, String value) {
            settings.put(key, ConfigLoader.textValue(key, value));
            return this;
        }

        public Builder listener(PoolListener listener) {
            listeners.add(listener);
            return this;
        }

        /**
         * How workers re-run this program when the handler is a lambda or method reference:
         * the main class and its arguments ({@code App.class.getName(), "a"}), or
         * {@code "-jar", "app.jar", …}. By default they are taken from how this JVM was started.
         */
        public Builder programCommand(String... command) {
            this.programCommand = List.of(command);
            return this;
        }

        /**
         * Starts the pool (or, in a worker re-run of the program, serves as that worker and exits
         * the JVM when it stops: this method does not return there).
         *
         * @throws RuntimeException for a bad setting; its message names the key, the value and why
         */
        public ConsumerPool start() throws Exception {
            String workerSpec = System.getProperty(WorkerRuntime.WORKER_PROPERTY);
            if (workerSpec != null && handler != null) {
                System.exit(WorkerRuntime.runEmbedded(workerSpec, handler));
            }
            PoolConfig config = ConfigLoader.load(null, Map.of(), settings);
            WorkerEntry entry = handler == null
                    ? WorkerEntry.workerMain()
                    : WorkerEntry.rerunProgram(programCommand != null ? programCommand : thisProgram());
            Manager manager = new Manager(config, () -> config, listeners, System.out, System.err, entry);
            return new ConsumerPool(config, manager);
        }

        /** This JVM's main class (or {@code -jar file}) and arguments, from {@code sun.java.command}. */
        private static List<String> thisProgram() {
            String command = System.getProperty("sun.java.command", "").trim();
            if (command.isEmpty()) {
                throw new IllegalStateException("cannot tell how this program was started; call programCommand(...)");
            }
            List<String> parts = new ArrayList<>(List.of(command.split(" ")));
            if (parts.get(0).endsWith(".jar")) {
                parts.add(0, "-jar");
            }
            return parts;
        }
    }
}
