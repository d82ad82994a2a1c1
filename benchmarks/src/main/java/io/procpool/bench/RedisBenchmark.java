package io.procpool.bench;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pool-redis: drain rate of pre-loaded messages (64 B) with 2 workers and a no-op consumer, in
 * list and stream modes, against a plain lettuce loop with the same number of connections (2
 * threads: RPOP in batches / XREADGROUP + XACK) in the same run. The messages are loaded where the
 * pool cannot see them yet (a staging list renamed into place; a group whose id is then reset to
 * 0), so the clock starts with READY workers and a full queue, and stops when all are acked. A
 * first, unmeasured pool trains the workers' AOT cache, as a pool's first start does; the rows are
 * medians of {@code rounds} rounds. Uses a private redis-server from PATH on a free loopback port.
 * Main thread only.
 *
 * <p>Run: {@code bin/bench redis [messages] [rounds]}.
 */
public final class RedisBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("procpool-bench-redis");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(work.resolve("redis.log").toFile()).start();
        String url = "redis://127.0.0.1:" + port;
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = awaitConnection(client)) {
            RedisCommands<String, String> r = c.sync();
            // Not measured: a pool's first start trains the workers' AOT cache (JDK 25+), which every
            // later start uses; the measured pools are such later starts.
            streamPool(work, work.resolve("training"), url, r, 20_000);
            List<Double> listBase = new ArrayList<>();
            List<Double> list = new ArrayList<>();
            List<Double> streamBase = new ArrayList<>();
            List<Double> stream = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                listBase.add(listBaseline(client, r, n));
                list.add(listPool(work, work.resolve("list" + round), url, r, n));
                streamBase.add(streamBaseline(client, r, n));
                stream.add(streamPool(work, work.resolve("stream" + round), url, r, n));
                System.err.printf("round %d: list baseline %,.0f, pool %,.0f; stream baseline %,.0f, pool %,.0f msg/s%n", round,
                        listBase.getLast(), list.getLast(), streamBase.getLast(), stream.getLast());
            }
            double lb = median(listBase);
            double l = median(list);
            double sb = median(streamBase);
            double st = median(stream);
            System.out.printf("%nRedis drain, %,d messages of 64 B, 2 workers, no-op consumer, median of %d rounds, %s, %d CPUs%n%n", n,
                    rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
            System.out.println("| mode | consumer | msg/s | vs baseline |");
            System.out.println("|---|---|---|---|");
            System.out.printf("| list | plain lettuce loop, 2 connections (RPOP, 100 at a time; no acks) | %,.0f | 1.00x |%n", lb);
            System.out.printf("| list | pool, 2 workers (LMOVE batches into processing lists, batched LREM acks) | %,.0f | %.2fx |%n", l, l / lb);
            System.out.printf("| stream | plain lettuce loop, 2 connections (XREADGROUP 256 + XACK) | %,.0f | 1.00x |%n", sb);
            System.out.printf("| stream | pool, 2 workers (XREADGROUP batches, batched XACK) | %,.0f | %.2fx |%n", st, st / sb);
        } finally {
            client.shutdown();
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static StatefulRedisConnection<String, String> awaitConnection(RedisClient client) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                return client.connect();
            } catch (RuntimeException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start");
    }

    private static final String BODY = "x".repeat(64);

    private static void loadList(RedisCommands<String, String> r, String key, int n) {
        String[] batch = new String[1000];
        java.util.Arrays.fill(batch, BODY);
        for (int i = 0; i < n; i += 1000) {
            r.lpush(key, batch);
        }
    }

    private static void loadStream(StatefulRedisConnection<String, String> c, String key, int n) {
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
    }

    private static double listBaseline(RedisClient client, RedisCommands<String, String> r, int n) throws Exception {
        loadList(r, "base-list", n);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (var c = client.connect()) {
                    while (!c.sync().rpop("base-list", 100).isEmpty()) {
                        // no-op consumer
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double streamBaseline(RedisClient client, RedisCommands<String, String> r, int n) throws Exception {
        r.del("base-stream");
        try (var c = client.connect()) {
            loadStream(c, "base-stream", n);
        }
        r.xgroupCreate(XReadArgs.StreamOffset.from("base-stream", "0"), "g");
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try (var c = client.connect()) {
                    Consumer<String> me = Consumer.from("g", "c" + id);
                    List<StreamMessage<String, String>> got;
                    while (!(got = c.sync().xreadgroup(me, XReadArgs.Builder.count(256),
                            XReadArgs.StreamOffset.lastConsumed("base-stream"))).isEmpty()) {
                        c.sync().xack("base-stream", "g", got.stream().map(StreamMessage::getId).toArray(String[]::new));
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** Every pool shares one {@code data_dir}, and so the AOT cache the training run made. */
    private static String poolYaml(Path work, String url, String mode, String key) {
        return "consumer: " + NoopConsumer.class.getName() + "\nworkers: 2\ndata_dir: '" + work.resolve("data") + "'\n"
                + "source: {type: redis, mode: " + mode + ", uri: '" + url + "', key: " + key + ", prefetch: 512, batch: 256}\n"
                + System.getenv().getOrDefault("BENCH_POOL_YAML", "").replace(";", "\n") + "\n";
    }

    private static double listPool(Path work, Path dir, String url, RedisCommands<String, String> r, int n) throws Exception {
        loadList(r, "staging", n);
        Process pool = BenchPool.start(dir, poolYaml(work, url, "list", "jobs"));
        try {
            long start = System.nanoTime();
            r.rename("staging", "jobs");
            while (r.llen("jobs") > 0 || processing(r) > 0) {
                Thread.sleep(2);
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } finally {
            BenchPool.stop(dir, pool);
        }
    }

    private static long processing(RedisCommands<String, String> r) {
        long total = 0;
        for (String k : r.keys("jobs:processing:*")) {
            total += r.llen(k);
        }
        return total;
    }

    private static double streamPool(Path work, Path dir, String url, RedisCommands<String, String> r, int n) throws Exception {
        r.del("events");
        RedisClient loader = RedisClient.create(url);
        try (var c = loader.connect()) {
            loadStream(c, "events", n);
        } finally {
            loader.shutdown();
        }
        try {
            r.xgroupCreate(XReadArgs.StreamOffset.from("events", "$"), "procpool", XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // made already
        }
        Process pool = BenchPool.start(dir, poolYaml(work, url, "stream", "events"));
        try {
            long start = System.nanoTime();
            r.xgroupSetid(XReadArgs.StreamOffset.from("events", "0"), "procpool");
            // XGROUP SETID wakes no blocked reader: the workers would sit out their XREADGROUP
            // BLOCK first. One more entry wakes them, as new entries do in real use; it is counted.
            r.xadd("events", Map.of("body", BODY));
            Thread.sleep(5);
            while (lag(r) > 0 || r.xpending("events", "procpool").getCount() > 0) {
                Thread.sleep(2);
            }
            return (n + 1) / ((System.nanoTime() - start) / 1e9);
        } finally {
            BenchPool.stop(dir, pool);
        }
    }

    /** Entries of the stream not yet delivered to the group (XINFO GROUPS "lag"). */
    private static long lag(RedisCommands<String, String> r) {
        for (Object group : r.xinfoGroups("events")) {
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
}
