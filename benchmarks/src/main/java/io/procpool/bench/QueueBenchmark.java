package io.procpool.bench;

import io.procpool.QueueClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The built-in queue end to end: 2 workers with a no-op consumer, messages pushed with
 * {@link QueueClient} (batches of 1000, 16 in flight), throughput from the first push to the
 * last ack, for 64 B and 1 KiB messages and each durability; then push-to-onMessage latency
 * p50/p99 at a fixed moderate rate, after one second of warm-up that is not recorded. {@code durability: none} is the baseline: the same path
 * with storage bypassed, measured in the same run.
 *
 * <p>Run: {@code bin/bench queue [messages per round] [durabilities] [sizes] [isolations]}, e.g.
 * {@code bin/bench queue 1000000 none,process 64}: the optional lists narrow the throughput
 * rows (and skip latency) for quick comparisons; the table in docs/benchmarks.md comes from the full run.
 * {@code bin/bench queue 1000000 none,process 64 process,thread} measures each row with worker processes
 * and with thread workers ({@code isolation: thread}), by turns, against {@code none} with processes.
 */
public final class QueueBenchmark {

    private static final int BATCH = 1000;
    private static final int IN_FLIGHT = 16;
    private static final int WARM_UP_ROUNDS = 2;
    private static final int ROUNDS = 3;
    /** Extra pool.yaml lines for experiments (BENCH_POOL_YAML); the figures in docs/benchmarks.md use none. */
    private static final String EXTRA_CONFIG =
            System.getenv().getOrDefault("BENCH_POOL_YAML", "").replace(";", "\n") + "\n";

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<String> durabilities =
                List.of(args.length > 1 ? args[1].split(",") : new String[] {"none", "process", "power"});
        boolean full = args.length <= 1;
        int[] sizes = args.length > 2
                ? java.util.Arrays.stream(args[2].split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : new int[] {64, 1024};
        List<String> isolations = List.of(args.length > 3 ? args[3].split(",") : new String[] {"process"});
        Path work = Files.createTempDirectory("procpool-bench-queue");
        List<String> rows = new ArrayList<>();
        for (int size : sizes) {
            double baseline = 0;
            for (String durability : durabilities) {
                // per round; 1 KiB rounds carry a quarter as many, power's fsyncs at most 100,000
                int n = size > 256 ? messages / 4 : messages;
                n = durability.equals("power") ? Math.min(n, 100_000) : n;
                for (String isolation : isolations) {
                    String name = durability + (isolations.size() > 1 ? " (" + isolation + " workers)" : "");
                    double rate = throughput(
                            work.resolve(durability + "-" + size + "-" + isolation),
                            durability,
                            size,
                            n,
                            "isolation: " + isolation + "\n");
                    if (baseline == 0 && durability.equals("none")) {
                        baseline = rate;
                    }
                    rows.add(
                            String.format("| %s | %d B | %,d | %,.0f | %.2fx |", name, size, n, rate, rate / baseline));
                }
            }
        }
        int rate = 5_000;
        List<String> latency = new ArrayList<>();
        for (String durability : full ? durabilities : List.<String>of()) {
            long[] p = latency(work.resolve("lat-" + durability), durability, rate, Duration.ofSeconds(4));
            latency.add(String.format(
                    "| %s | %,d msg/s | %.2f | %.2f | %.2f |", durability, rate, p[0] / 1e6, p[1] / 1e6, p[2] / 1e6));
        }
        System.out.printf(
                "%nBuilt-in queue, 2 workers, no-op consumer, %s, %d CPUs%n%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.println(
                "| durability | message | messages per round | msg/s (first push to last ack, median of 3 rounds) | vs none (baseline) |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("| durability | rate | p50 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|");
        latency.forEach(System.out::println);
    }

    /** The median msg/s of three measured rounds of {@code n} messages, first push to last ack. */
    static double throughput(Path dir, String durability, int size, int n, String isolation) throws Exception {
        Process pool = BenchPool.start(
                dir,
                "consumer: " + NoopConsumer.class.getName() + "\nworkers: 2\n" + isolation + EXTRA_CONFIG
                        + "source: {type: queue, durability: " + durability + ", prefetch: 2048}\n");
        try (QueueClient client = QueueClient.connect(dir.resolve("run"))) {
            byte[] body = new byte[size];
            // Warm-up rounds, not measured: the JIT compiles the hot paths of all four JVMs first
            // (a first round runs at about half the speed of the third).
            long warmUp = 0;
            for (int r = 0; r < WARM_UP_ROUNDS; r++) {
                pushAll(client, body, n);
                warmUp += n;
                awaitAcked(dir, warmUp);
            }
            // Three measured rounds on the same pool, and their median: one round on this shared
            // machine can be off by a third.
            double[] rates = new double[ROUNDS];
            long acked = warmUp;
            for (int r = 0; r < ROUNDS; r++) {
                long start = System.nanoTime();
                pushAll(client, body, n);
                acked += n;
                awaitAcked(dir, acked);
                rates[r] = n / ((System.nanoTime() - start) / 1e9);
            }
            System.err.printf(
                    "%s %d B: rounds %,.0f / %,.0f / %,.0f msg/s%n", durability, size, rates[0], rates[1], rates[2]);
            java.util.Arrays.sort(rates);
            return rates[ROUNDS / 2];
        } finally {
            BenchPool.stop(dir, pool);
        }
    }

    /** Pushes {@code n} copies of {@code body} in batches of {@link #BATCH}, {@link #IN_FLIGHT} batches pipelined. */
    @SuppressWarnings(
            "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
    private static void pushAll(QueueClient client, byte[] body, int n) throws InterruptedException {
        Semaphore window = new Semaphore(IN_FLIGHT);
        for (int sent = 0; sent < n; sent += BATCH) {
            List<byte[]> batch = Collections.nCopies(Math.min(BATCH, n - sent), body);
            window.acquire();
            CompletableFuture<List<String>> f = client.pushAsync("default", batch, Duration.ZERO);
            f.whenComplete((ids, e) -> window.release());
        }
        window.acquire(IN_FLIGHT);
    }

    private static void awaitAcked(Path dir, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (acked(dir) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + acked(dir) + " of " + n + " messages were acked in 5 minutes");
            }
            Thread.sleep(10); // each poll is a JSON round trip through the manager: keep them rare
        }
    }

    /** Returns p50, p99 and max in nanoseconds. */
    private static long[] latency(Path dir, String durability, int rate, Duration length) throws Exception {
        Process pool = BenchPool.start(
                dir,
                "consumer: " + LatencyConsumer.class.getName() + "\nworkers: 2\n" + "app.out_dir: " + dir.resolve("out")
                        + "\nsource: {type: queue, durability: " + durability + "}\n");
        int warmUp = rate; // one second that is not recorded: JIT and first allocations settle
        int n = warmUp + (int) (rate * length.toSeconds());
        try (QueueClient client = QueueClient.connect(dir.resolve("run"))) {
            long interval = 1_000_000_000L / rate;
            long next = System.nanoTime();
            List<CompletableFuture<List<String>>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                next += interval;
                long wait;
                while ((wait = next - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, 50_000));
                }
                byte[] body = ByteBuffer.allocate(64)
                        .putLong(System.nanoTime())
                        .put((byte) (i < warmUp ? 1 : 0))
                        .array();
                all.add(client.pushAsync("default", List.of(body), Duration.ZERO));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            while (acked(dir) < n) {
                Thread.sleep(5);
            }
        } finally {
            BenchPool.stop(dir, pool);
        }
        List<Long> samples = new ArrayList<>();
        try (var files = Files.list(dir.resolve("out"))) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    samples.add(Long.parseLong(line));
                }
            }
        }
        Collections.sort(samples);
        return new long[] {
            samples.get(samples.size() / 2), samples.get((int) (samples.size() * 0.99)), samples.get(samples.size() - 1)
        };
    }

    private static long acked(Path dir) throws IOException {
        return BenchPool.control(dir).status().queue().acked();
    }
}
