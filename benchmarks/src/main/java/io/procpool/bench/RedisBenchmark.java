package io.procpool.bench;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pool-redis: drain rate of pre-loaded messages (64 B) with 2 workers and a no-op consumer, in
 * list and stream modes, against plain lettuce loops with the same number of connections in the
 * same run: 2 threads of this (long-lived, warmed) JVM; 2 fresh processes ({@link PlainRedisLoop}),
 * as a pool's 2 workers are, with the JVM's defaults and with the workers' JVM options. For the
 * fresh processes and the pool the messages are loaded where they cannot see them yet (a staging
 * list renamed into place; a group whose id is then reset to 0, and one more entry to wake blocked
 * readers), so the clock starts with connected consumers and a full queue, and stops when all are
 * taken (list baselines) or acked. A first, unmeasured pool trains the workers' AOT cache, as a
 * pool's first start does; every row is the median of {@code rounds} rounds. Uses a private
 * redis-server from PATH on a free loopback port. Main thread only.
 *
 * <p>Run: {@code bin/bench redis [messages] [rounds]}.
 */
public final class RedisBenchmark {

    private static final String BODY = "x".repeat(64);
    private static final String LIST = "jobs";
    private static final String STREAM = "events";

    /** A row's measurement: messages/s, and CPU time per message of its consumers and of redis-server. */
    private record Drain(double rate, double consumerCpuUs, double redisCpuUs) {}

    private final RedisClient client;
    private final RedisCommands<String, String> r;
    private final long redisPid;
    private final String url;
    private final Path work;
    private final int n;

    private RedisBenchmark(
            RedisClient client, RedisCommands<String, String> r, long redisPid, String url, Path work, int n) {
        this.client = client;
        this.redisPid = redisPid;
        this.r = r;
        this.url = url;
        this.work = work;
        this.n = n;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("procpool-bench-redis");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("redis.log").toFile())
                .start();
        String url = "redis://127.0.0.1:" + port;
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = awaitConnection(client)) {
            RedisBenchmark b = new RedisBenchmark(client, c.sync(), redis.pid(), url, work, n);
            // Not measured: a pool's first start trains the workers' AOT cache (JDK 25+), which every
            // later start uses; the measured pools are such later starts.
            new RedisBenchmark(client, c.sync(), redis.pid(), url, work, 20_000).streamPool(work.resolve("training"));
            String jvmOptions = String.join(" ", BenchPool.WORKER_JVM_OPTIONS);
            Map<String, List<Drain>> rows = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                add(
                        rows,
                        "list | plain loop, 2 threads of the benchmark's warm JVM (RPOP 100 at a time; no acks)",
                        b.listInJvm());
                add(rows, "list | the same loop in 2 fresh processes, JVM defaults", b.listProcesses(List.of()));
                add(
                        rows,
                        "list | the same loop in 2 fresh processes, the workers' JVM options (" + jvmOptions + ")",
                        b.listProcesses(BenchPool.WORKER_JVM_OPTIONS));
                add(
                        rows,
                        "list | pool, 2 workers (LMOVE batches into processing lists, batched LREM acks)",
                        b.listPool(work.resolve("list" + round)));
                add(
                        rows,
                        "stream | plain loop, 2 threads of the benchmark's warm JVM (XREADGROUP 256 + XACK)",
                        b.streamInJvm());
                add(rows, "stream | the same loop in 2 fresh processes, JVM defaults", b.streamProcesses(List.of()));
                add(
                        rows,
                        "stream | the same loop in 2 fresh processes, the workers' JVM options",
                        b.streamProcesses(BenchPool.WORKER_JVM_OPTIONS));
                add(
                        rows,
                        "stream | pool, 2 workers (XREADGROUP batches, batched XACK)",
                        b.streamPool(work.resolve("stream" + round)));
                StringBuilder line = new StringBuilder("round " + round + ":");
                rows.values()
                        .forEach(v ->
                                line.append(String.format(" %,.0f", v.getLast().rate())));
                System.err.println(line);
            }
            System.out.printf(
                    "%nRedis drain, %,d messages of 64 B, 2 consumers, no-op processing, median of %d rounds, %s, %d CPUs%n%n",
                    n, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
            System.out.println("| mode | consumer | msg/s | vs warm loop | vs fresh processes, workers' options "
                    + "| consumers' CPU µs/msg | redis-server CPU µs/msg |");
            System.out.println("|---|---|---|---|---|---|---|");
            List<Map.Entry<String, List<Drain>>> all = new ArrayList<>(rows.entrySet());
            for (int i = 0; i < all.size(); i++) {
                int first = i / 4 * 4;
                List<Drain> d = all.get(i).getValue();
                double v = median(d, Drain::rate);
                System.out.printf(
                        "| %s | %,.0f | %.2fx | %.2fx | %.1f | %.1f |%n",
                        all.get(i).getKey(),
                        v,
                        v / median(all.get(first).getValue(), Drain::rate),
                        v / median(all.get(first + 2).getValue(), Drain::rate),
                        median(d, Drain::consumerCpuUs),
                        median(d, Drain::redisCpuUs));
            }
        } finally {
            client.shutdown();
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void add(Map<String, List<Drain>> rows, String row, Drain value) {
        rows.computeIfAbsent(row, k -> new ArrayList<>()).add(value);
    }

    private static double median(List<Drain> xs, java.util.function.ToDoubleFunction<Drain> of) {
        double[] sorted = xs.stream().mapToDouble(of).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static StatefulRedisConnection<String, String> awaitConnection(RedisClient client)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                return client.connect();
            } catch (RuntimeException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start");
    }

    /** Times a drain from now until {@code drained} says so, with the CPU time of {@code consumers} and redis-server. */
    private Drain measure(List<Long> consumers, int messages, Runnable start, Awaited drained) throws Exception {
        long cpu0 = BenchPool.cpuNanos(consumers);
        long redis0 = BenchPool.cpuNanos(List.of(redisPid));
        long t0 = System.nanoTime();
        start.run();
        drained.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Drain(
                messages / seconds,
                (BenchPool.cpuNanos(consumers) - cpu0) / 1e3 / messages,
                (BenchPool.cpuNanos(List.of(redisPid)) - redis0) / 1e3 / messages);
    }

    private interface Awaited {
        void await() throws Exception;
    }

    // ---- lists

    private void loadList(String key) {
        String[] batch = new String[1000];
        java.util.Arrays.fill(batch, BODY);
        for (int i = 0; i < n; i += 1000) {
            r.lpush(key, batch);
        }
    }

    private Drain listInJvm() throws Exception {
        loadList("base-list");
        List<Thread> threads = new ArrayList<>();
        return measure(
                List.of(ProcessHandle.current().pid()),
                n,
                () -> {
                    for (int t = 0; t < 2; t++) {
                        threads.add(Thread.ofPlatform().start(() -> {
                            try (var c = client.connect()) {
                                while (!c.sync().rpop("base-list", 100).isEmpty()) {
                                    // no-op consumer
                                }
                            }
                        }));
                    }
                },
                () -> join(threads));
    }

    private static void join(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    private Drain listProcesses(List<String> jvmOptions) throws Exception {
        loadList("staging");
        List<Process> loops = PlainRedisLoop.start(url, jvmOptions, "list", LIST);
        try {
            return drainList(loops.stream().map(Process::pid).toList());
        } finally {
            PlainRedisLoop.stop(loops);
        }
    }

    private Drain listPool(Path dir) throws Exception {
        loadList("staging");
        Process pool = BenchPool.start(dir, poolYaml("list", LIST));
        try {
            return drainList(BenchPool.workerPids(dir));
        } finally {
            BenchPool.stop(dir, pool);
        }
    }

    /** Puts the staged messages in place and waits until the list and every processing list are empty. */
    private Drain drainList(List<Long> consumers) throws Exception {
        return measure(consumers, n, () -> r.rename("staging", LIST), () -> {
            while (r.llen(LIST) > 0 || processing() > 0) {
                Thread.sleep(2);
            }
        });
    }

    private long processing() {
        long total = 0;
        for (String k : r.keys(LIST + ":processing:*")) {
            total += r.llen(k);
        }
        return total;
    }

    // ---- streams

    @SuppressWarnings("FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing record
    private void loadStream(String key) {
        r.del(key);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.setAutoFlushCommands(false);
            var a = c.async();
            for (int i = 0; i < n; i++) {
                a.xadd(key, Map.of("body", BODY));
                if (i % 1000 == 999) {
                    c.flushCommands();
                }
            }
            c.flushCommands();
            c.setAutoFlushCommands(true);
            c.sync().ping(); // every XADD above has been answered
        }
    }

    private Drain streamInJvm() throws Exception {
        loadStream("base-stream");
        r.xgroupCreate(XReadArgs.StreamOffset.from("base-stream", "0"), "g");
        List<Thread> threads = new ArrayList<>();
        return measure(
                List.of(ProcessHandle.current().pid()),
                n,
                () -> {
                    for (int t = 0; t < 2; t++) {
                        int id = t;
                        threads.add(Thread.ofPlatform().start(() -> {
                            try (var c = client.connect()) {
                                Consumer<String> me = Consumer.from("g", "c" + id);
                                while (true) {
                                    List<StreamMessage<String, String>> got = readGroup(c.sync(), me);
                                    if (got.isEmpty()) {
                                        break;
                                    }
                                    c.sync()
                                            .xack(
                                                    "base-stream",
                                                    "g",
                                                    got.stream()
                                                            .map(StreamMessage::getId)
                                                            .toArray(String[]::new));
                                }
                            }
                        }));
                    }
                },
                () -> join(threads));
    }

    /** Loads the stream for a group that starts past every loaded entry. */
    private void stageStream(String group) {
        loadStream(STREAM);
        r.xgroupCreate(XReadArgs.StreamOffset.from(STREAM, "$"), group, XGroupCreateArgs.Builder.mkstream());
    }

    private Drain streamProcesses(List<String> jvmOptions) throws Exception {
        stageStream("g");
        List<Process> loops = PlainRedisLoop.start(url, jvmOptions, "stream", STREAM, "g");
        try {
            return drainStream("g", loops.stream().map(Process::pid).toList());
        } finally {
            PlainRedisLoop.stop(loops);
        }
    }

    private Drain streamPool(Path dir) throws Exception {
        stageStream("procpool");
        Process pool = BenchPool.start(dir, poolYaml("stream", STREAM));
        try {
            return drainStream("procpool", BenchPool.workerPids(dir));
        } finally {
            BenchPool.stop(dir, pool);
        }
    }

    /** Shows the loaded entries to the group and waits until all are acked. */
    private Drain drainStream(String group, List<Long> consumers) throws Exception {
        return measure(
                consumers,
                n + 1,
                () -> {
                    r.xgroupSetid(XReadArgs.StreamOffset.from(STREAM, "0"), group);
                    // XGROUP SETID wakes no blocked reader: the consumers would sit out their XREADGROUP BLOCK
                    // first. One more entry wakes them, as new entries do in real use; it is counted.
                    r.xadd(STREAM, Map.of("body", BODY));
                },
                () -> {
                    Thread.sleep(5);
                    while (lag() > 0 || r.xpending(STREAM, group).getCount() > 0) {
                        Thread.sleep(2);
                    }
                });
    }

    /** Entries of the stream not yet delivered to its group (XINFO GROUPS "lag"). */
    private long lag() {
        for (Object group : r.xinfoGroups(STREAM)) {
            List<?> fields = (List<?>) group;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("lag".equals(String.valueOf(fields.get(i)))) {
                    Object v = fields.get(i + 1);
                    return v == null ? 0 : ((Number) v).longValue();
                }
            }
        }
        return 0;
    }

    // ---- consumers

    /** Every pool shares one {@code data_dir}, and so the AOT cache the training run made. */
    private String poolYaml(String mode, String key) {
        return "consumer: " + NoopConsumer.class.getName() + "\nworkers: 2\ndata_dir: '" + work.resolve("data") + "'\n"
                + "source: {type: redis, mode: " + mode + ", uri: '" + url + "', key: " + key
                + ", prefetch: 512, batch: 256}\n"
                + System.getenv().getOrDefault("BENCH_POOL_YAML", "").replace(";", "\n") + "\n";
    }

    @SuppressWarnings("unchecked") // one stream offset through lettuce's generic varargs
    private static List<StreamMessage<String, String>> readGroup(
            RedisCommands<String, String> sync, Consumer<String> me) {
        return sync.xreadgroup(me, XReadArgs.Builder.count(256), XReadArgs.StreamOffset.lastConsumed("base-stream"));
    }
}
