package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import io.procpool.testkit.consumers.FailingStartConsumer;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code isolation: thread}: workers are threads of the manager's JVM with the same slots, states, status
 * and reload; the consumer, compiled here into a directory the manager's classpath does not hold, is loaded
 * by each worker's own class loader, so a reload after a rebuild runs the rebuilt class. Settings a thread
 * cannot use are refused, naming them.
 */
@Timeout(120)
class ThreadIsolationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static final String CONSUMER = """
            package com.acme;

            import io.procpool.*;
            import java.nio.file.*;

            public class ThreadedConsumer implements Consumer {
                @Override
                public void onStart(WorkerContext ctx) {
                    ctx.logger().info("VERSION consumer in slot {} started", ctx.slot());
                }

                @Override
                public void onMessage(Message m, WorkerContext ctx) throws Exception {
                    if (m.bodyAsString().equals("stuck")) {
                        Thread.sleep(60_000);
                    }
                    Path out = Path.of(ctx.config().get("app.record_dir"), "processed.log");
                    Files.writeString(out, "VERSION " + ctx.pid() + " " + ctx.slot() + " " + m.bodyAsString() + "\\n",
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            """;

    /** Compiles the consumer, saying {@code version} in every line it records, into {@code dir/classes}. */
    private void compile(String version) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/com/acme"));
        Files.writeString(src.resolve("ThreadedConsumer.java"), CONSUMER.replace("VERSION", version));
        Files.createDirectories(dir.resolve("classes"));
        int code = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        dir.resolve("classes").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        src.resolve("ThreadedConsumer.java").toString());
        assertThat(code).as("javac").isZero();
    }

    private List<String> recorded() throws Exception {
        Path log = dir.resolve("records/processed.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private String yaml(String... more) {
        return "consumer: com.acme.ThreadedConsumer\n"
                + "classpath: [" + dir.resolve("classes") + "]\n"
                + "workers: 4\n"
                + "isolation: thread\n"
                + "max_wait_time: 5s\n"
                + "app.record_dir: " + dir.resolve("records") + "\n"
                + String.join("\n", more) + "\n";
    }

    @Test
    void fourThreadWorkersConsumeInTheManagersPidAndAReloadRunsTheRebuiltClass() throws Exception {
        compile("v1");
        Files.createDirectories(dir.resolve("records"));
        try (PoolProcess pool = PoolProcess.start(dir, yaml())) {
            PoolStatus ready = pool.awaitReady(4, WAIT);
            assertThat(ready.workers()).hasSize(4).allSatisfy(w -> {
                assertThat(w.pid()).as("a thread of the manager").isEqualTo(pool.pid());
                assertThat(w.rssBytes()).as("no memory of its own").isEqualTo(-1);
            });
            pool.push(IntStream.range(0, 100).mapToObj(i -> "a" + i).toList());
            pool.awaitStatus("100 processed", s -> s.pool().processed() == 100, WAIT);
            assertThat(recorded()).hasSize(100).allMatch(l -> l.startsWith("v1 " + pool.pid() + " "));
            assertThat(recorded().stream().map(l -> l.split(" ")[2]).distinct())
                    .as("slots that consumed")
                    .hasSizeGreaterThan(1);
            assertThat(pool.log())
                    .as("a thread worker's lines are tagged as a process's are")
                    .containsPattern("\\[worker-\\d] .*INFO v1 consumer in slot \\d started");

            compile("v2");
            CliResult reload = pool.cli("reload", "--wait");
            assertThat(reload.exitCode()).as(reload.output()).isZero();
            assertThat(reload.output()).contains("reloaded: 4 worker(s) replaced and ready");
            pool.push(IntStream.range(0, 100).mapToObj(i -> "b" + i).toList());
            pool.awaitStatus("200 processed", s -> s.pool().processed() == 200, WAIT);
            assertThat(recorded().subList(100, 200))
                    .as("after the reload: the rebuilt class")
                    .allMatch(l -> l.startsWith("v2 " + pool.pid() + " "));
            assertThat(pool.cli("stop").exitCode()).isZero();
            assertThat(pool.awaitExit(WAIT)).isZero();
        }
    }

    @Test
    void aStuckThreadWorkerIsReplacedAndThePoolGoesOn() throws Exception {
        compile("v1");
        Files.createDirectories(dir.resolve("records"));
        try (PoolProcess pool = PoolProcess.start(dir, yaml("message_timeout: 1s", "max_deliveries: 1"))) {
            pool.awaitReady(4, WAIT);
            pool.push(List.of("stuck"));
            pool.awaitStatus(
                    "the stuck worker replaced, its message dead-lettered",
                    s -> s.pool().restarts() >= 1
                            && s.readyCount() == 4
                            && s.queue().dead() == 1,
                    WAIT);
            assertThat(pool.log()).contains("killed (SIGKILL)");
            pool.push(List.of("fine"));
            pool.awaitStatus("the pool goes on", s -> s.pool().processed() == 1, WAIT);
            assertThat(pool.process().isAlive())
                    .as("the manager, whose thread it was")
                    .isTrue();
        }
    }

    @Test
    void aThreadWorkerWhoseOnStartThrowsRestartsWithBackoffAndOneThatHaltsTakesThePoolDown() throws Exception {
        Path failing = Files.createDirectories(dir.resolve("failing"));
        try (PoolProcess pool = PoolProcess.start(failing, """
                consumer: %s
                workers: 1
                isolation: thread
                restart_backoff: 100ms
                """.formatted(FailingStartConsumer.class.getName()))) {
            PoolStatus looping = pool.awaitStatus(
                    "the worker thread started again, with backoff",
                    s -> s.slot(0).map(w -> w.restarts() >= 2).orElse(false),
                    WAIT);
            assertThat(looping.pool().workersReady()).isZero();
            assertThat(pool.process().isAlive())
                    .as("a consumer that throws ends its thread, not the pool")
                    .isTrue();
            assertThat(pool.log()).contains("onStart threw").contains("quick failure(s) in a row, restarting in");
        }

        Path halting = Files.createDirectories(dir.resolve("halting"));
        try (PoolProcess pool = PoolProcess.start(
                halting, """
                consumer: %s
                workers: 2
                isolation: thread
                app: {record_dir: %s}
                """.formatted(RecordingConsumer.class.getName(), halting.resolve("records")))) {
            pool.awaitReady(2, WAIT);
            pool.push(List.of("crash")); // RecordingConsumer calls Runtime.halt(42)
            assertThat(pool.process().waitFor(30, TimeUnit.SECONDS))
                    .as("the manager, whose thread halted the JVM")
                    .isTrue();
            assertThat(pool.process().exitValue()).isEqualTo(42);
        }
    }

    @Test
    void settingsAThreadCannotUseAreRefusedNamingThem() throws Exception {
        compile("v1");
        for (String[] refused : new String[][] {
            {"jvm_options: [-Xmx64m]", "jvm_options: cannot apply with isolation: thread"},
            {"max_memory: 256MiB", "max_memory: cannot apply with isolation: thread"},
            {"aot_cache: auto", "aot_cache: cannot apply with isolation: thread"}
        }) {
            Files.writeString(dir.resolve("pool.yaml"), yaml(refused[0]));
            CliResult r = PoolProcess.run(
                    PoolProcess.javaCommand(
                            "start", "-c", dir.resolve("pool.yaml").toString()),
                    dir);
            assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
            assertThat(r.output()).contains(refused[1]);
        }
    }
}
