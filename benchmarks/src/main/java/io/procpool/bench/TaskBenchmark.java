package io.procpool.bench;

import io.procpool.PoolStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Task round trips ({@code ctx.task} → a task worker's reply → the caller's future): 2 caller workers
 * (loop mode) and a task group of 2 workers echoing 64 B, against the built-in queue's round trip in the
 * same run (64 B pushed by a producer to 2 workers with a no-op consumer and acked back, {@code durability:
 * none}: like tasks, nothing stored). Rates are the task group's answered tasks per second over rounds of
 * a few seconds after a warm-up, median of 3.
 *
 * <p>Run: {@code bin/bench task [seconds per round]} (default 5). Rows: callers keeping 512 tasks in flight
 * each; callers waiting on {@code ctx.task(body).get()} from 64 virtual threads each.
 */
public final class TaskBenchmark {

    private static final int ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path work = Files.createTempDirectory("procpool-bench-task");
        double queue = QueueBenchmark.throughput(work.resolve("queue"), "none", 64, 1_000_000, "");
        List<String> rows = new ArrayList<>();
        rows.add(String.format(
                "| built-in queue round trip (push → ack, durability none; baseline) | %,.0f | 1.00x |", queue));
        double pipelined = tasks(work.resolve("pipelined"), "window: 512", seconds);
        rows.add(String.format(
                "| tasks, 512 in flight per caller (`ctx.task(body)` futures) | %,.0f | %.2fx |",
                pipelined, pipelined / queue));
        double blocking = tasks(work.resolve("blocking"), "window: 0, threads: 64", seconds);
        rows.add(String.format(
                "| tasks, 64 virtual threads per caller each on `ctx.task(body).get()` | %,.0f | %.2fx |",
                blocking, blocking / queue));
        System.out.printf(
                "%nTask round trips, 2 callers, 2 task workers, 64 B, %s, %d CPUs%n%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.println("| row | round trips/s (median of 3 rounds) | vs queue round trip |");
        System.out.println("|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** Answered tasks per second of a pool of 2 callers with {@code app} settings and 2 echoing task workers. */
    private static double tasks(Path dir, String app, int seconds) throws Exception {
        String yaml = """
                max_wait_time: 10s
                groups:
                  callers:
                    consumer: %s
                    workers: 2
                    source: {type: none}
                    app: {%s}
                  tasks:
                    consumer: %s
                    workers: 2
                    source: {type: task, prefetch: 1024}
                """.formatted(TaskLoadLoop.class.getName(), app, EchoConsumer.class.getName());
        Process pool = BenchPool.start(dir, yaml, 4);
        try {
            Thread.sleep(3_000); // warm-up: the JIT compiles the hot paths of all five JVMs first
            double[] rates = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                long before = answered(dir);
                long start = System.nanoTime();
                Thread.sleep(seconds * 1_000L);
                long after = answered(dir);
                rates[r] = (after - before) / ((System.nanoTime() - start) / 1e9);
            }
            System.err.printf("tasks %s: rounds %,.0f / %,.0f / %,.0f per s%n", app, rates[0], rates[1], rates[2]);
            Arrays.sort(rates);
            return rates[ROUNDS / 2];
        } finally {
            BenchPool.stop(dir, pool);
        }
    }

    private static long answered(Path dir) throws Exception {
        PoolStatus s = BenchPool.control(dir).status();
        return ((Number) s.group("tasks").orElseThrow().sourceStats().get("tasks_answered")).longValue();
    }
}
