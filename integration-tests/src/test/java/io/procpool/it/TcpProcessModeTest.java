package io.procpool.it;

import static io.procpool.testkit.PoolProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

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
                    assertThat(results.get(c).get(60, TimeUnit.SECONDS)).as("replies on connection " + c)
                            .containsExactlyElementsOf(expected);
                }
            } finally {
                clients.shutdownNow();
            }
            Map<?, ?> tcp = (Map<?, ?>) pool(pool.status()).get("tcp");
            assertThat(((Number) tcp.get("frames_in")).longValue()).isEqualTo(64L * perConnection);
            assertThat(((Number) tcp.get("frames_out")).longValue()).isEqualTo(64L * (perConnection + perConnection / 50));
        }
    }
}
