package io.procpool.bench;

import io.procpool.PoolStatus;
import io.procpool.examples.GreetingConsumer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Worker spawn-to-READY latency and idle memory per worker, for four worker set-ups measured
 * in the same run: the JVM's default flags (the baseline), procpool's tuned default flags, tuned
 * flags with the AOT cache, and tuned flags for a pool that names its own classpath (the consumer's
 * jar, then only procpool's worker runtime instead of the whole benchmark classpath). Latency comes from {@code pool reload}: each reload spawns a
 * replacement worker while nothing else starts, and the manager records spawn-to-READY
 * ({@code ready_ms} in status). Memory is RSS and Pss of 4 idle workers after 2 s.
 *
 * <p>Run: {@code bin/bench spawn [samples]}. Pools run the real CLI in child JVMs, with the
 * benchmark's jars as classpath (an AOT cache needs jars, not class directories).
 */
public final class SpawnBenchmark {

    private record Variant(String name, String yaml) {}

    private record Result(Variant variant, List<Long> readyMs, double rssMiB, double pssMiB) {
        long percentile(int p) {
            List<Long> sorted = new ArrayList<>(readyMs);
            Collections.sort(sorted);
            int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path work = Files.createTempDirectory("procpool-bench-spawn");
        String base = "consumer: " + GreetingConsumer.class.getName() + "\nworkers: 1\nmax_wait_time: 10s\n";
        String consumerJar = Path.of(GreetingConsumer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        List<Variant> variants = List.of(
                // The JVM's own heap default, named, so that procpool adds no heap share of its own.
                new Variant(
                        "JVM defaults (baseline)", base + "jvm_options: ['-XX:MaxRAMPercentage=25']\naot_cache: off\n"),
                new Variant("tuned flags (default)", base + "aot_cache: off\n"),
                new Variant("tuned flags + AOT cache", base + "aot_cache: auto\n"),
                new Variant(
                        "tuned flags, own classpath", base + "aot_cache: off\nclasspath: ['" + consumerJar + "']\n"),
                // Threads of the manager: jvm_options and aot_cache cannot apply, so the base has neither.
                new Variant("isolation: thread", base + "isolation: thread\nclasspath: ['" + consumerJar + "']\n"));
        List<Result> results = new ArrayList<>();
        for (Variant v : variants) {
            Path dir = work.resolve("v" + results.size());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("pool.yaml"), v.yaml());
            if (v.yaml().contains("aot_cache: auto")) {
                train(dir);
            }
            results.add(measure(v, dir, samples));
        }
        print(results, samples);
    }

    /** Runs a pool once and stops it, so that the AOT cache gets written. */
    private static void train(Path dir) throws Exception {
        Process pool = BenchPool.launch(dir);
        try {
            await(dir, "the training worker", s -> s.readyPids().size() == 1, 60);
            BenchPool.control(dir).stop();
            pool.waitFor(60, TimeUnit.SECONDS);
        } finally {
            pool.destroyForcibly();
        }
        try (var files = Files.list(dir.resolve("data/aot"))) {
            if (files.noneMatch(p -> p.toString().endsWith(".aot"))) {
                throw new IllegalStateException("training wrote no AOT cache; see " + dir.resolve("pool.log"));
            }
        }
    }

    private static Result measure(Variant v, Path dir, int samples) throws Exception {
        Process pool = BenchPool.launch(dir);
        try {
            PoolStatus s = await(dir, "the first worker", st -> st.readyPids().size() == 1, 60);
            List<Long> ready = new ArrayList<>();
            boolean threads = v.yaml().contains("isolation: thread");
            for (int i = 0; i < samples; i++) {
                long old = s.workers().get(0).id(); // not the pid: thread workers share the manager's
                BenchPool.control(dir).reload();
                s = await(
                        dir,
                        "a reloaded worker",
                        st -> st.readyPids().size() == 1
                                && st.workers().get(0).id() != old
                                && st.workers().size() == 1,
                        60);
                ready.add(s.workers().get(0).readyAfter().orElseThrow().toMillis());
            }
            Thread.sleep(threads ? 2_000 : 0);
            long managerRss1 = BenchPool.rssBytes(pool.pid());
            long managerPss1 = BenchPool.pssBytes(pool.pid());
            BenchPool.control(dir).scale(4);
            s = await(
                    dir,
                    "4 workers",
                    st -> st.readyPids().size() == 4 && st.workers().size() == 4,
                    60);
            Thread.sleep(2_000);
            double rss = 0;
            double pss = 0;
            if (threads) {
                // Per worker, what three more idle thread workers added to the manager.
                rss = (BenchPool.rssBytes(pool.pid()) - managerRss1) / 3.0 / 1048576.0;
                pss = (BenchPool.pssBytes(pool.pid()) - managerPss1) / 3.0 / 1048576.0;
            } else {
                for (long pid : s.readyPids()) {
                    rss += BenchPool.rssBytes(pid) / 1048576.0 / 4;
                    pss += BenchPool.pssBytes(pid) / 1048576.0 / 4;
                }
            }
            BenchPool.control(dir).stop();
            pool.waitFor(60, TimeUnit.SECONDS);
            return new Result(v, ready, rss, pss);
        } finally {
            pool.destroyForcibly();
        }
    }

    private static PoolStatus await(Path dir, String what, Predicate<PoolStatus> ok, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                PoolStatus s = BenchPool.control(dir).status();
                if (ok.test(s)) {
                    return s;
                }
            } catch (IOException e) {
                if (Files.exists(dir.resolve("pool.log")) && isStartFailure(dir)) {
                    throw new IllegalStateException("the pool did not start: " + readLog(dir));
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("timed out waiting for " + what + "; see " + dir.resolve("pool.log"));
    }

    private static boolean isStartFailure(Path dir) {
        return readLog(dir).startsWith("pool start:");
    }

    private static String readLog(Path dir) {
        try {
            return Files.readString(dir.resolve("pool.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static void print(List<Result> results, int samples) {
        Result baseline = results.get(0);
        System.out.printf(
                "%nWorker spawn-to-READY (%d reloads each) and idle memory per worker (4 workers), %s, %d CPUs%n%n",
                samples, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.println("| workers | median ms | p95 ms | min–max ms | median vs baseline | RSS MiB | Pss MiB |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(
                    "| %s | %d | %d | %d–%d | %.2fx | %.1f | %.1f |%n",
                    r.variant().name(),
                    r.percentile(50),
                    r.percentile(95),
                    Collections.min(r.readyMs()),
                    Collections.max(r.readyMs()),
                    (double) r.percentile(50) / baseline.percentile(50),
                    r.rssMiB(),
                    r.pssMiB());
        }
    }
}
