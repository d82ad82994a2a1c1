package io.procpool.bench;

import io.procpool.testkit.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * pool-kafka: records/s of a pool of 2 workers (no-op consumer, consumer-group mode) against a plain
 * KafkaConsumer loop baseline ({@link PlainConsumerLoop} in 2 fresh JVMs, one consumer each, in one group;
 * once with the JVM's defaults, once with the options pool workers start with),
 * on the same broker, in the same run, each on its own topic holding the same pre-loaded records
 * (64 B values, 6 partitions). Both are timed the same way, from the group's committed offsets read
 * with Admin every 20 ms: the rate between 10 % and 90 % committed, so that joining the group and JVM
 * start-up count for neither; the broker keeps Kafka's default {@code group.initial.rebalance.delay.ms}
 * (3 s), so both groups' members are assigned partitions together. Rows alternate (baseline, pool) for {@code rounds} rounds; the median
 * of each is reported. The broker is the testkit's (a local KRaft broker from Maven artifacts).
 *
 * <p>Run: {@code bin/bench kafka [records] [rounds]}.
 */
public final class KafkaBenchmark {

    private static final int PARTITIONS = 6;

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn"); // the clients' INFO is pages per run
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("procpool-bench-kafka");
        System.setProperty("procpool.fixtures.dir", work.toString());
        // Kafka's default (the test broker uses 0): a group's first members are assigned together, so neither
        // row is timed through a rebalance that a second member's join sets off a moment later.
        try (KafkaFixture.Backend broker = KafkaFixture.standalone(Map.of("group.initial.rebalance.delay.ms", "3000"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            List<Double> base = new ArrayList<>();
            List<Double> tuned = new ArrayList<>();
            List<Double> pool = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                String t = "base" + round;
                load(admin, broker.bootstrap(), t, n);
                base.add(baseline(admin, broker.bootstrap(), t, n, List.of()));
                t = "tuned" + round;
                load(admin, broker.bootstrap(), t, n);
                tuned.add(baseline(admin, broker.bootstrap(), t, n, BenchPool.WORKER_JVM_OPTIONS));
                t = "pool" + round;
                load(admin, broker.bootstrap(), t, n);
                pool.add(pool(admin, work.resolve("pool" + round), broker.bootstrap(), t, n));
                System.err.printf(
                        "round %d: baseline %,.0f, baseline with the workers' JVM options %,.0f, pool %,.0f records/s%n",
                        round + 1, base.getLast(), tuned.getLast(), pool.getLast());
            }
            double b = median(base);
            double bt = median(tuned);
            double p = median(pool);
            System.out.printf(
                    "%nKafka consume, %,d records of 64 B on %d partitions, 2 consumers, no-op processing, median of %d "
                            + "rounds, %s, %d CPUs, %s%n%n",
                    n,
                    PARTITIONS,
                    rounds,
                    Runtime.version(),
                    Runtime.getRuntime().availableProcessors(),
                    broker.description().replaceAll("; log .*", ""));
            System.out.println("| consumer | records/s | vs baseline |");
            System.out.println("|---|---|---|");
            System.out.printf(
                    "| plain KafkaConsumer loop, 2 processes (poll 500, commitAsync per poll), JVM defaults | %,.0f | 1.00x |%n",
                    b);
            System.out.printf(
                    "| the same loop with the pool workers' JVM options (%s) | %,.0f | %.2fx |%n",
                    String.join(" ", BenchPool.WORKER_JVM_OPTIONS), bt, bt / b);
            System.out.printf(
                    "| pool, 2 workers (source.type kafka, commit after processing) | %,.0f | %.2fx |%n", p, p / b);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    @SuppressWarnings(
            "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
    private static void load(Admin admin, String bootstrap, String topic, int n) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        byte[] value = "x".repeat(64).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG,
                        "5",
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        "262144"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
            }
        }
    }

    /**
     * The baseline: 2 plain consumer loops, each in its own fresh JVM (as the pool's 2 workers are), with
     * the JVM's default options; ended (after the measurement) by their pids.
     */
    private static double baseline(Admin admin, String bootstrap, String topic, int n, List<String> jvmOptions)
            throws Exception {
        String group = "g-" + topic;
        List<Process> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                List<String> command = new ArrayList<>(List.of(BenchPool.JAVA));
                command.addAll(jvmOptions);
                command.addAll(List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        PlainConsumerLoop.class.getName(),
                        bootstrap,
                        topic,
                        group));
                consumers.add(new ProcessBuilder(command).inheritIO().start());
            }
            return rate(admin, group, n);
        } finally {
            for (Process p : consumers) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static double pool(Admin admin, Path dir, String bootstrap, String topic, int n) throws Exception {
        String group = "g-" + topic;
        String yaml = "consumer: " + NoopConsumer.class.getName() + "\nworkers: 2\n"
                + "source: {type: kafka, bootstrap: '" + bootstrap + "', topics: " + topic + ", group: " + group + "}\n"
                + System.getenv().getOrDefault("BENCH_POOL_YAML", "").replace(";", "\n") + "\n";
        Process p = BenchPool.start(dir, yaml);
        try {
            return rate(admin, group, n);
        } finally {
            BenchPool.stop(dir, p);
        }
    }

    /** Records/s between 10 % and 90 % of {@code n} committed by {@code group}; fails after 10 minutes. */
    private static double rate(Admin admin, String group, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        long t0 = 0;
        long c0 = 0;
        while (System.nanoTime() < deadline) {
            long committed = committed(admin, group);
            long now = System.nanoTime();
            if (t0 == 0 && committed >= n / 10) {
                t0 = now;
                c0 = committed;
            } else if (t0 != 0 && committed >= n * 9L / 10) {
                return (committed - c0) / ((now - t0) / 1e9);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("group " + group + " did not commit 90 % of " + n + " records in 10 minutes");
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        return offsets.values().stream()
                .filter(o -> o != null)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }
}
