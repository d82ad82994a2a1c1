package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.config.QueueSettings;
import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Payloads;
import io.procpool.internal.ipc.Payloads.Delivery;
import io.procpool.internal.ipc.Payloads.Outcome;
import io.procpool.internal.queue.Durability;
import io.procpool.internal.queue.MemoryQueueStore;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher's delivery rules, with a real socket standing in for each worker and the memory store. */
class DispatcherTest {

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private final List<IpcConnection> workerEnds = new ArrayList<>();
    private Dispatcher dispatcher;

    @BeforeEach
    void listen() throws Exception {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("d.sock")));
    }

    @AfterEach
    void close() throws Exception {
        if (dispatcher != null) {
            dispatcher.close();
        }
        workerEnds.forEach(IpcConnection::close);
        server.close();
    }

    private Dispatcher start(int prefetch, int maxDeliveries, long maxLength) {
        QueueSettings s = new QueueSettings("q", Durability.NONE, prefetch, maxLength, Duration.ofMillis(300), 1 << 20,
                Duration.ofMillis(50), Duration.ofSeconds(1));
        dispatcher = new Dispatcher(s, maxDeliveries, 1, new MemoryQueueStore());
        dispatcher.start();
        return dispatcher;
    }

    /** Attaches a worker; returns the worker's end of its connection. */
    private IpcConnection attach(long workerId) throws Exception {
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
        client.connect(UnixDomainSocketAddress.of(dir.resolve("d.sock")));
        IpcConnection managerEnd = new IpcConnection(server.accept());
        IpcConnection workerEnd = new IpcConnection(client);
        workerEnds.add(workerEnd);
        workerEnds.add(managerEnd);
        dispatcher.attach(workerId, (int) workerId, managerEnd);
        return workerEnd;
    }

    /** Reads DELIVER frames until {@code n} deliveries arrived (5 s at most). */
    private static List<Delivery> receive(IpcConnection workerEnd, int n) throws Exception {
        List<Delivery> got = new ArrayList<>();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                while (got.size() < n) {
                    Frame f = workerEnd.readFrame();
                    assertThat(f.type()).isEqualTo(FrameType.DELIVER_RUNS);
                    got.addAll(Payloads.DeliverRuns.decode(f.payload()));
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        done.get(5, TimeUnit.SECONDS);
        return got;
    }

    private static List<byte[]> bodies(String... texts) {
        return java.util.Arrays.stream(texts).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static String text(Delivery d) {
        return new String(d.body(), StandardCharsets.UTF_8);
    }

    @Test
    void deliversInPushOrderWithinTheCreditWindowAndMoreAfterAcks() throws Exception {
        start(2, 5, 0);
        IpcConnection worker = attach(1);
        dispatcher.push("q", bodies("a", "b", "c"), 0);
        List<Delivery> first = receive(worker, 2);
        assertThat(first).extracting(DispatcherTest::text).containsExactly("a", "b");
        assertThat(first).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
        assertThat(dispatcher.stats()).containsEntry("in_flight", 2L).containsEntry("depth", 1L);
        dispatcher.settle(1, List.of(Outcome.acked(first.get(0).tag())));
        assertThat(receive(worker, 1)).extracting(DispatcherTest::text).containsExactly("c");
        assertThat(dispatcher.stats()).containsEntry("acked", 1L);
    }

    @Test
    void aDeadWorkersMessagesGoToAnotherWorkerWithTheAttemptRaised() throws Exception {
        start(10, 5, 0);
        IpcConnection w1 = attach(1);
        dispatcher.push("q", bodies("a", "b"), 0);
        List<Delivery> toFirst = receive(w1, 2);
        dispatcher.detach(1, "killed (SIGKILL)", false);
        IpcConnection w2 = attach(2);
        List<Delivery> again = receive(w2, 2);
        assertThat(again).extracting(DispatcherTest::text).containsExactly("a", "b");
        assertThat(again).extracting(Delivery::tag).containsExactlyElementsOf(toFirst.stream().map(Delivery::tag).toList());
        assertThat(again.get(0).attempt()).as("may have been running: delivery counted").isEqualTo(2);
        assertThat(again.get(1).attempt()).as("was waiting unstarted: as if never sent").isEqualTo(1);
    }

    @Test
    void aFailingMessageComesBackAfterADelayThenIsDeadLettered() throws Exception {
        start(10, 2, 0);
        IpcConnection worker = attach(1);
        dispatcher.push("q", bodies("poison"), 0);
        Delivery d1 = receive(worker, 1).get(0);
        long failedAt = System.nanoTime();
        dispatcher.settle(1, List.of(Outcome.failed(d1.tag(), "boom")));
        Delivery d2 = receive(worker, 1).get(0);
        assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
        assertThat(d2.attempt()).isEqualTo(2);
        dispatcher.settle(1, List.of(Outcome.failed(d2.tag(), "boom again")));
        assertThat(dispatcher.stats()).containsEntry("dead", 1L).containsEntry("in_flight", 0L).containsEntry("delayed", 0L);
        assertThat(dispatcher.peek(true, 10)).singleElement().satisfies(m -> assertThat(m.lastError()).isEqualTo("boom again"));
        assertThat(dispatcher.requeueDead()).isEqualTo(1);
        assertThat(receive(worker, 1).get(0).attempt()).isEqualTo(1);
    }

    @Test
    void releasedMessagesGoBackWithoutCountingADelivery() throws Exception {
        start(10, 5, 0);
        IpcConnection worker = attach(1);
        dispatcher.push("q", bodies("a"), 0);
        Delivery d = receive(worker, 1).get(0);
        dispatcher.settle(1, List.of(Outcome.released(d.tag())));
        assertThat(receive(worker, 1).get(0).attempt()).isEqualTo(1);
    }

    @Test
    void aFullQueueHoldsTheProducerThenRefusesAndAnAckMakesRoom() throws Exception {
        start(10, 5, 2);
        IpcConnection worker = attach(1);
        dispatcher.push("q", bodies("a", "b"), 0);
        List<Delivery> held = receive(worker, 2);
        long start = System.nanoTime();
        assertThatThrownBy(() -> dispatcher.push("q", bodies("c"), 0)).isInstanceOf(Dispatcher.PushRefusedException.class)
                .hasMessageContaining("is full").hasMessageContaining("nothing was added");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));

        CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return dispatcher.push("q", bodies("c"), 0);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        dispatcher.settle(1, List.of(Outcome.acked(held.get(0).tag())));
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(3L);
        assertThat(dispatcher.stats()).containsEntry("pushed", 3L);
    }

    @Test
    void aDelayedMessageWaitsForItsTime() throws Exception {
        start(10, 5, 0);
        IpcConnection worker = attach(1);
        long pushedAt = System.nanoTime();
        dispatcher.push("q", bodies("later"), 300);
        dispatcher.push("q", bodies("now"), 0);
        assertThat(receive(worker, 1)).extracting(DispatcherTest::text).containsExactly("now");
        assertThat(receive(worker, 1)).extracting(DispatcherTest::text).containsExactly("later");
        assertThat(Duration.ofNanos(System.nanoTime() - pushedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(295));
    }

    @Test
    void aBatchSettlesInRangesAndItsUnsettledRestGoesBackInOrderWhenTheWorkerDies() throws Exception {
        start(10, 5, 0);
        IpcConnection w1 = attach(1);
        dispatcher.push("q", bodies("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), 0);
        List<Delivery> sent = receive(w1, 10);
        assertThat(sent).extracting(DispatcherTest::text).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        long t = sent.get(0).tag();
        dispatcher.settle(1, List.of(new Outcome(t + 2, 3, Payloads.Result.ACKED, null), Outcome.failed(t, "boom"),
                new Outcome(t + 7, 3, Payloads.Result.RELEASED, null)));
        List<Delivery> released = receive(w1, 3);
        assertThat(released).extracting(DispatcherTest::text).containsExactly("h", "i", "j");
        assertThat(released).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
        assertThat(dispatcher.stats()).containsEntry("acked", 3L).containsEntry("in_flight", 6L).containsEntry("delayed", 1L);

        dispatcher.detach(1, "killed (SIGKILL)", false);
        IpcConnection w2 = attach(2);
        List<Delivery> again = receive(w2, 6);
        assertThat(again).extracting(DispatcherTest::text).containsExactly("b", "f", "g", "h", "i", "j");
        assertThat(again).extracting(Delivery::attempt).containsExactly(2, 1, 1, 1, 1, 1);
        Delivery retried = receive(w2, 1).get(0);
        assertThat(text(retried)).isEqualTo("a");
        assertThat(retried.attempt()).isEqualTo(2);
        dispatcher.settle(2, List.of(new Outcome(t, 10, Payloads.Result.ACKED, null)));
        assertThat(dispatcher.stats()).containsEntry("acked", 10L).containsEntry("in_flight", 0L).containsEntry("depth", 0L);
    }

    @Test
    void aReleasedMessageThatComesBackToTheSameWorkerLosesNoneOfItsNeighbours() throws Exception {
        start(10, 5, 0);
        IpcConnection w1 = attach(1);
        dispatcher.push("q", bodies("a", "b", "c"), 0);
        long t = receive(w1, 3).get(0).tag();
        dispatcher.settle(1, List.of(Outcome.released(t)));
        assertThat(receive(w1, 1)).extracting(DispatcherTest::text).containsExactly("a");
        assertThat(dispatcher.stats()).containsEntry("in_flight", 3L);
        dispatcher.settle(1, List.of(new Outcome(t, 3, Payloads.Result.ACKED, null)));
        assertThat(dispatcher.stats()).containsEntry("acked", 3L).containsEntry("in_flight", 0L).containsEntry("depth", 0L);
    }

    @Test
    void aWorkerThatDiesOfItsOwnHoldingSeveralMessagesBlamesNoneAndTheyComeBackOneAtATime() throws Exception {
        start(10, 2, 0);
        IpcConnection w1 = attach(1);
        dispatcher.push("q", bodies("a", "crash", "c"), 0);
        receive(w1, 3);
        dispatcher.detach(1, "exit code 42", true); // acks are batched: any of the three may have finished

        IpcConnection w2 = attach(2);
        Delivery a = receive(w2, 1).get(0);
        assertThat(text(a)).isEqualTo("a");
        assertThat(a.attempt()).isEqualTo(2);
        assertThat(dispatcher.stats()).as("one suspect at a time").containsEntry("in_flight", 1L).containsEntry("depth", 2L);
        dispatcher.settle(2, List.of(Outcome.acked(a.tag())));
        Delivery crash = receive(w2, 1).get(0);
        assertThat(text(crash)).isEqualTo("crash");
        dispatcher.detach(2, "exit code 42", true); // alone on its worker: this death is its own

        IpcConnection w3 = attach(3);
        Delivery again = receive(w3, 1).get(0);
        assertThat(text(again)).isEqualTo("crash");
        assertThat(again.attempt()).isEqualTo(3);
        dispatcher.detach(3, "exit code 42", true);
        assertThat(dispatcher.stats()).containsEntry("dead", 1L);
        assertThat(dispatcher.peek(true, 10)).singleElement().satisfies(m -> {
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("crash");
            assertThat(m.attempts()).isEqualTo(2);
        });

        IpcConnection w4 = attach(4);
        Delivery c = receive(w4, 1).get(0);
        assertThat(text(c)).isEqualTo("c");
        dispatcher.settle(4, List.of(Outcome.acked(c.tag())));
        assertThat(dispatcher.stats()).containsEntry("acked", 2L).containsEntry("depth", 0L).containsEntry("in_flight", 0L);
    }

    @Test
    void whileSuspectsWaitNoWorkerGetsNewMessagesBeforeItHasDrained() throws Exception {
        start(10, 5, 0);
        IpcConnection w1 = attach(1);
        IpcConnection w2 = attach(2);
        dispatcher.push("q", bodies("a", "b", "c", "d"), 0);
        List<Delivery> toW1 = receive(w1, 2);
        List<Delivery> toW2 = receive(w2, 2);
        dispatcher.detach(2, "exit code 42", true);
        dispatcher.push("q", bodies("e"), 0);
        assertThat(dispatcher.stats()).as("w1 still holds two: it gets neither a suspect nor e")
                .containsEntry("in_flight", 2L).containsEntry("depth", 3L);
        dispatcher.settle(1, List.of(new Outcome(toW1.get(0).tag(), 2, Payloads.Result.ACKED, null)));
        assertThat(receive(w1, 1)).extracting(DispatcherTest::text).containsExactly(text(toW2.get(0)));
    }

    @Test
    void aKillFromOutsideMakesNoSuspects() throws Exception {
        start(10, 5, 0);
        IpcConnection w1 = attach(1);
        dispatcher.push("q", bodies("a", "b", "c"), 0);
        receive(w1, 3);
        dispatcher.detach(1, "killed (SIGKILL)", false);
        IpcConnection w2 = attach(2);
        assertThat(receive(w2, 3)).extracting(DispatcherTest::text).containsExactly("a", "b", "c");
    }
}
