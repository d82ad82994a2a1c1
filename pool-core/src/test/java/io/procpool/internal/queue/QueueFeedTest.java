package io.procpool.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.config.QueueSettings;
import io.procpool.internal.control.StatusCodec;
import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.Deliveries.Delivery;
import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Outcomes;
import io.procpool.internal.ipc.Outcomes.Outcome;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue's feed over a real socket: what the engine deals reaches the worker as DELIVER_RUNS frames. */
class QueueFeedTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private QueueEngine engine;
    private QueueFeed feed;

    @AfterEach
    void close() throws Exception {
        if (feed != null) {
            feed.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** A feed with one attached worker; returns the worker's end of its connection. */
    private IpcConnection startWithOneWorker() throws Exception {
        QueueSettings s = new QueueSettings(
                "q",
                Durability.NONE,
                64,
                0,
                Duration.ofSeconds(1),
                1 << 20,
                Duration.ofMillis(50),
                Duration.ofSeconds(1));
        engine = new QueueEngine(s, 5, 1, new MemoryQueueStore(), Clock.systemUTC());
        feed = new QueueFeed(engine);
        feed.start();
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("feed.sock")));
        closing.add(server);
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
        client.connect(UnixDomainSocketAddress.of(dir.resolve("feed.sock")));
        IpcConnection managerEnd = new IpcConnection(server.accept());
        IpcConnection workerEnd = new IpcConnection(client);
        closing.add(managerEnd);
        closing.add(workerEnd);
        feed.attach(1, 0, managerEnd);
        return workerEnd;
    }

    /** Reads DELIVER_RUNS frames until {@code n} deliveries arrived (5 s at most). */
    private static List<Delivery> receive(IpcConnection workerEnd, int n) throws Exception {
        List<Delivery> got = new ArrayList<>();
        CompletableFuture.runAsync(() -> {
                    try {
                        while (got.size() < n) {
                            Frame f = workerEnd.readFrame();
                            assertThat(f.type()).isEqualTo(FrameType.DELIVER_RUNS);
                            got.addAll(Deliveries.DeliverRuns.decode(f.payload()));
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                })
                .get(5, TimeUnit.SECONDS);
        return got;
    }

    @Test
    void pushedMessagesReachTheWorkerAsOneFrameAndItsAcksSettleThem() throws Exception {
        IpcConnection worker = startWithOneWorker();
        engine.push("q", List.of("a".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8)), 0);
        List<Delivery> got = receive(worker, 2);
        assertThat(got)
                .extracting(d -> new String(d.body(), StandardCharsets.UTF_8))
                .containsExactly("a", "b");
        assertThat(got).allSatisfy(d -> assertThat(d.source()).isEqualTo("queue:q"));
        feed.settle(1, List.of(new Outcome(got.get(0).tag(), 2, Outcomes.Result.ACKED, null)));
        assertThat(StatusCodec.queue(engine.stats())).containsEntry("acked", 2L).containsEntry("in_flight", 0L);
    }

    @Test
    void aDelayedMessageIsSentWhenItIsDueWithoutAnotherPushToWakeTheFeed() throws Exception {
        IpcConnection worker = startWithOneWorker();
        long pushed = System.nanoTime();
        engine.push("q", List.of("later".getBytes(StandardCharsets.UTF_8)), 200);
        Delivery d = receive(worker, 1).get(0);
        assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo("later");
        assertThat(Duration.ofNanos(System.nanoTime() - pushed)).isGreaterThanOrEqualTo(Duration.ofMillis(195));
    }
}
