package io.procpool.bench;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What metrics cost the pool: the built-in queue's throughput (the queue benchmark's set-up, 64 B) with no
 * HTTP endpoint (baseline) against the same pool with {@code http.listen} and {@code /metrics} scraped
 * every {@code interval} ms during the whole row (by default 1 s, 15 times more often than Prometheus's
 * usual 15 s), off and on by turns, twice, in one run, for {@code durability: none} and {@code process}.
 *
 * <p>Run: {@code bin/bench metrics [messages per round] [interval ms]} (default 1,000,000 and 1000).
 */
public final class MetricsBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long interval = args.length > 1 ? Long.parseLong(args[1]) : 1_000;
        Path work = Files.createTempDirectory("procpool-bench-metrics");
        List<String> rows = new ArrayList<>();
        for (String durability : List.of("none", "process")) {
            // Off and on by turns, twice: this shared machine drifts more within a run than a scrape costs.
            double[] off = new double[2];
            double[] on = new double[2];
            long scraped = 0;
            for (int turn = 0; turn < 2; turn++) {
                off[turn] = QueueBenchmark.throughput(work.resolve(durability + "-off-" + turn), durability, 64, n, "");
                int port;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = s.getLocalPort();
                }
                AtomicBoolean done = new AtomicBoolean();
                AtomicLong scrapes = new AtomicLong();
                Thread scraper = Thread.ofPlatform().daemon().start(() -> scrape(port, interval, done, scrapes));
                try {
                    on[turn] = QueueBenchmark.throughput(
                            work.resolve(durability + "-on-" + turn), durability, 64, n, "http.listen: " + port + "\n");
                } finally {
                    done.set(true);
                    scraper.join(5_000);
                }
                scraped += scrapes.get();
            }
            double offMean = (off[0] + off[1]) / 2;
            double onMean = (on[0] + on[1]) / 2;
            rows.add(String.format("| %s | off (baseline) | %,.0f and %,.0f | 1.00x |", durability, off[0], off[1]));
            rows.add(String.format(
                    "| %s | on, /metrics every %,d ms (%,d scrapes) | %,.0f and %,.0f | %.2fx |",
                    durability, interval, scraped, on[0], on[1], onMean / offMean));
        }
        System.out.printf(
                "%nMetrics on and off, built-in queue, 2 workers, 64 B, %s, %d CPUs%n%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.println(
                "| durability | metrics | msg/s, two rows by turns (each the median of 3 rounds) | vs off (means) |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** GETs /metrics every {@code interval} ms until {@code done}; a pool not up yet is tried at the next turn. */
    private static void scrape(int port, long interval, AtomicBoolean done, AtomicLong scrapes) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (!done.get() && System.nanoTime() < deadline) {
            try {
                if (http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    scrapes.incrementAndGet();
                }
            } catch (Exception e) {
                // the pool is starting or stopping
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
