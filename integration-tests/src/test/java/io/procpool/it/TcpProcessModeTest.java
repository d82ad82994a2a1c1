package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.EchoConsumer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 1-4 of the pool-tcp issue, in process mode: the manager listens, workers reply over IPC. */
@Timeout(120)
class TcpProcessModeTest {

    @TempDir
    Path dir;

    private static String tcp(int port, String... more) {
        StringBuilder b = new StringBuilder("source.type: tcp\nsource.listen: 127.0.0.1:" + port);
        for (String m : more) {
            b.append('\n').append(m);
        }
        return b.toString();
    }

    private PoolProcess start(int workers, String... settings) throws Exception {
        PoolProcess pool = PoolProcess.start(dir, Pools.yaml(EchoConsumer.class.getName(), workers, dir, settings));
        pool.awaitReady(workers, Duration.ofSeconds(60));
        return pool;
    }

    @Test
    void aSwooleStyleClientGetsItsEchoAndTheConnectionClosesAfterTheReply() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = start(1, tcp(port), "source.close_after_reply: true");
                FrameClient client = new FrameClient(port, 10_000)) {
            // $client->send(pack('N', strlen($data)) . $data)
            client.sendRaw(FrameClient.frame("hello swoole"));
            assertThat(client.read()).isEqualTo("hello swoole");
            assertThat(client.closedByServer()).as("one request per connection").isTrue();
        }
    }

    /** Request {@code i} of connection {@code c}; every 50th asks for two replies. */
    private static String body(int c, int i) {
        return (i % 50 == 7 ? "twice:" : "") + "c" + c + "-" + i;
    }

    @Test
    void pipelinedRequestsOn64ConnectionsAreAnsweredInOrder() throws Exception {
        int port = FrameClient.freePort();
        int perConnection = 200;
        try (PoolProcess pool = start(2, tcp(port), "concurrency: 4", "app.jitter_us: 300")) {
            ExecutorService clients = Executors.newFixedThreadPool(64);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int c = 0; c < 64; c++) {
                    int conn = c;
                    results.add(clients.submit(() -> {
                        try (FrameClient client = new FrameClient(port, 30_000)) {
                            for (int i = 0; i < perConnection; i++) {
                                client.send(body(conn, i));
                            }
                            List<String> got = new ArrayList<>();
                            for (int i = 0; i < perConnection + perConnection / 50; i++) {
                                got.add(client.read());
                            }
                            return got;
                        }
                    }));
                }
                for (int c = 0; c < 64; c++) {
                    List<String> expected = new ArrayList<>();
                    for (int i = 0; i < perConnection; i++) {
                        expected.add(body(c, i));
                        if (body(c, i).startsWith("twice:")) {
                            expected.add(body(c, i));
                        }
                    }
                    assertThat(results.get(c).get(60, TimeUnit.SECONDS))
                            .as("replies on connection " + c)
                            .containsExactlyElementsOf(expected);
                }
            } finally {
                clients.shutdownNow();
            }
            Map<?, ?> tcp = (Map<?, ?>) pool.status().pool().sourceStats();
            assertThat(((Number) tcp.get("frames_in")).longValue()).isEqualTo(64L * perConnection);
            assertThat(((Number) tcp.get("frames_out")).longValue())
                    .isEqualTo(64L * (perConnection + perConnection / 50));
        }
    }

    @Test
    void aWorkerKilledUnderLoadLeavesNoRequestUnansweredAndNoConnectionClosed() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = start(2, tcp(port), "min_uptime: 0", "app.jitter_us: 2000")) {
            ExecutorService clients = Executors.newFixedThreadPool(8);
            AtomicLong errors = new AtomicLong();
            AtomicLong echoes = new AtomicLong();
            AtomicBoolean go = new AtomicBoolean(true);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    int conn = c;
                    running.add(clients.submit(() -> {
                        // read timeout 10 s: a request left hanging fails the test
                        try (FrameClient client = new FrameClient(port, 10_000)) {
                            for (int round = 0; go.get() && round < 500; round++) {
                                for (int i = 0; i < 20; i++) {
                                    client.send("c" + conn + "-" + round + "-" + i);
                                }
                                for (int i = 0; i < 20; i++) {
                                    String reply = client.read();
                                    if (reply.startsWith("procpool-error: ")) {
                                        errors.incrementAndGet();
                                    } else {
                                        assertThat(reply).isEqualTo("c" + conn + "-" + round + "-" + i);
                                        echoes.incrementAndGet();
                                    }
                                }
                            }
                        }
                        return null;
                    }));
                }
                Thread.sleep(1_000);
                long victim = pool.status().readyPids().get(0);
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                pool.awaitStatus(
                        "the killed worker replaced",
                        s -> s.readyCount() == 2 && !s.readyPids().contains(victim),
                        Duration.ofSeconds(30));
                Thread.sleep(1_000);
                go.set(false);
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS); // throws if a read timed out or a connection closed
                }
            } finally {
                clients.shutdownNow();
            }
            System.out.printf(
                    "tcp kill: %d echoes, %d error replies for requests on the killed worker%n",
                    echoes.get(), errors.get());
            assertThat(echoes.get()).isGreaterThan(1_000);
            Map<?, ?> tcp = (Map<?, ?>) pool.status().pool().sourceStats();
            assertThat(((Number) tcp.get("error_replies")).longValue()).isEqualTo(errors.get());
        }
    }

    @Test
    void badInputClosesOnlyItsOwnConnection() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = start(2, tcp(port), "source.read_timeout: 1s")) {
            AtomicBoolean go = new AtomicBoolean(true);
            AtomicLong good = new AtomicLong();
            ExecutorService background = Executors.newSingleThreadExecutor();
            Future<?> wellBehaved = background.submit(() -> {
                try (FrameClient client = new FrameClient(port, 10_000)) {
                    for (int i = 0; go.get() && i < 1_000_000; i++) {
                        client.send("good-" + i);
                        assertThat(client.read()).isEqualTo("good-" + i);
                        good.incrementAndGet();
                    }
                }
                return null;
            });
            try {
                byte[] random = new byte[64];
                new Random(7).nextBytes(random);
                random[0] = (byte) 0xC3; // a length of ~3 GB: over max_frame_bytes at once
                List<byte[]> oversized = List.of(
                        ByteBuffer.allocate(4).putInt(10_000_000).array(), // a 10 MB frame announced
                        random,
                        "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                for (byte[] bad : oversized) {
                    try (FrameClient client = new FrameClient(port, 5_000)) {
                        client.sendRaw(bad);
                        assertThat(client.closedByServer()).isTrue();
                    }
                }
                try (FrameClient client = new FrameClient(port, 5_000)) {
                    client.sendRaw(new byte[] {0, 0, 0, 0});
                    assertThat(client.closedByServer()).as("zero length").isTrue();
                }
                byte[] partial = ByteBuffer.allocate(14)
                        .putInt(100)
                        .put("0123456789".getBytes(StandardCharsets.US_ASCII))
                        .array();
                try (FrameClient client = new FrameClient(port, 5_000)) {
                    client.sendRaw(partial);
                    client.socket.shutdownOutput();
                    assertThat(client.closedByServer())
                            .as("half-close mid-frame")
                            .isTrue();
                }
                try (FrameClient client = new FrameClient(port, 5_000)) {
                    client.sendRaw(partial);
                    assertThat(client.closedByServer())
                            .as("stalled mid-frame past read_timeout")
                            .isTrue();
                }
                try (FrameClient client = new FrameClient(port, 5_000)) {
                    client.send("after all that");
                    assertThat(client.read()).isEqualTo("after all that");
                }
                Thread.sleep(300);
                long before = good.get();
                Thread.sleep(500);
                assertThat(good.get()).as("the well-behaved client kept going").isGreaterThan(before);
            } finally {
                go.set(false);
                wellBehaved.get(30, TimeUnit.SECONDS); // rethrows any error the good client saw
                background.shutdownNow();
            }
            PoolStatus status = pool.status();
            assertThat(status.readyCount()).isEqualTo(2);
            @SuppressWarnings("unchecked")
            Map<String, Object> closed =
                    (Map<String, Object>) status.pool().sourceStats().get("closed_for");
            assertThat(closed)
                    .containsEntry("frame_too_large", 3)
                    .containsEntry("zero_length", 1)
                    .containsEntry("half_closed_mid_frame", 1)
                    .containsEntry("stalled_mid_frame", 1);
            assertThat(pool.log()).contains("a frame over max_frame_bytes").contains("stalled for 1000 ms");
        }
    }

    @Test
    void aTakenPortStopsTheStartWithItsOwnExitCode() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.nio.file.Files.writeString(
                    dir.resolve("pool.yaml"),
                    Pools.yaml(EchoConsumer.class.getName(), 1, dir, tcp(taken.getLocalPort())));
            PoolProcess.CliResult r = PoolProcess.run(
                    PoolProcess.javaCommand(
                            "start", "-c", dir.resolve("pool.yaml").toString()),
                    dir);
            assertThat(r.exitCode()).as(r.output()).isEqualTo(11);
            assertThat(r.output())
                    .contains("source tcp could not start")
                    .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aReloadAppliesPrefetchAndRefusesANewListenAddress() throws Exception {
        int port = FrameClient.freePort();
        String consumer = io.procpool.testkit.consumers.RecordingConsumer.class.getName();
        try (PoolProcess pool = PoolProcess.start(
                dir, Pools.yaml(consumer, 1, dir, tcp(port), "source.prefetch: 1", "app.sleep_ms: 300"))) {
            pool.awaitReady(1, Duration.ofSeconds(60));
            FrameClient client = new FrameClient(port, 10_000);
            for (int i = 0; i < 30; i++) {
                client.send("slow-" + i);
            }
            pool.awaitStatus(
                    "one request at the worker",
                    s -> tcpStat(s, "in_flight") == 1 && tcpStat(s, "waiting") > 20,
                    Duration.ofSeconds(30));
            java.nio.file.Files.writeString(
                    dir.resolve("pool.yaml"),
                    Pools.yaml(consumer, 1, dir, tcp(port), "source.prefetch: 4", "app.sleep_ms: 300"));
            PoolProcess.CliResult r = pool.cli("reload", "--reread");
            assertThat(r.exitCode()).as(r.output()).isZero();
            pool.awaitStatus(
                    "four requests at the new worker", s -> tcpStat(s, "in_flight") == 4, Duration.ofSeconds(30));

            int other = FrameClient.freePort();
            java.nio.file.Files.writeString(
                    dir.resolve("pool.yaml"),
                    Pools.yaml(consumer, 1, dir, tcp(other), "source.prefetch: 4", "app.sleep_ms: 300"));
            r = pool.cli("reload", "--reread");
            assertThat(r.exitCode()).as(r.output()).isNotZero();
            assertThat(r.output())
                    .contains("source.listen: 127.0.0.1:" + port + " -> 127.0.0.1:" + other)
                    .contains("needs a restart");
            client.close();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} mode")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"process", "base"})
    void aRequestThatRepliedAndThenThrewIsNotRunAgain(String mode) throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool =
                start(1, tcp(port, "source.mode: " + mode), "retry.max_tries: 3", "retry.backoff: 10ms")) {
            try (FrameClient client = new FrameClient(port, 10_000)) {
                client.send("reply-then-fail-1");
                client.send("after-1");
                assertThat(client.read()).isEqualTo("reply-then-fail-1");
                assertThat(client.read())
                        .as("the next reply is the next request's, not a retry's")
                        .isEqualTo("after-1");
            }
            assertThat(pool.log()).contains("failed after it replied, so it is not tried again");
        }
    }

    private static long tcpStat(PoolStatus status, String key) {
        return ((Number) status.pool().sourceStats().get(key)).longValue();
    }
}
