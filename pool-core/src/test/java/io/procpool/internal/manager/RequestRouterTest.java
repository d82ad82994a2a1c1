package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.Deliveries.Delivery;
import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Outcomes.Outcome;
import io.procpool.internal.task.Redealable;
import io.procpool.spi.Request;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router over real sockets: each request goes to the least loaded worker within its credit, a
 * settled request is finished once, a released one runs elsewhere, and a dead worker's requests fail
 * rather than run again.
 */
class RequestRouterTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private RequestRouter router;
    private int sockets;

    /** A request that records what the pool told it. */
    private static final class Recorded implements Request {
        final String body;
        final List<String> events = new CopyOnWriteArrayList<>();

        Recorded(String body) {
            this.body = body;
        }

        @Override
        public byte[] body() {
            return body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String source() {
            return "test";
        }

        @Override
        public void reply(byte[] reply) {
            events.add("reply " + new String(reply, StandardCharsets.UTF_8));
        }

        @Override
        public void done() {
            events.add("done");
        }

        @Override
        public void failed(String error) {
            events.add("failed " + error);
        }
    }

    /** A task: it runs again when its worker dies, until it says it is finished. */
    private static final class Redealt implements Redealable {
        final Recorded recorded;
        final List<String> deaths = new CopyOnWriteArrayList<>();
        final int maxDeliveries;
        int deliveries = 1;

        Redealt(String body, int maxDeliveries) {
            this.recorded = new Recorded(body);
            this.maxDeliveries = maxDeliveries;
        }

        @Override
        public byte[] body() {
            return recorded.body();
        }

        @Override
        public int attempt() {
            return deliveries;
        }

        @Override
        public String source() {
            return "task";
        }

        @Override
        public void reply(byte[] reply) {
            recorded.reply(reply);
        }

        @Override
        public void done() {
            recorded.done();
        }

        @Override
        public void failed(String error) {
            recorded.failed(error);
        }

        @Override
        public boolean workerDied(String why, boolean surelyRan) {
            deaths.add(why + (surelyRan ? " (counted)" : ""));
            if (surelyRan
                    && deaths.stream().filter(d -> d.endsWith("(counted)")).count() >= maxDeliveries) {
                failed("died " + deaths.size() + " times");
                return false;
            }
            deliveries++;
            return true;
        }
    }

    @BeforeEach
    void start() {
        router = new RequestRouter(
                ConfigLoader.load(null, Map.of(), Map.of("consumer", "com.acme.C", "source.prefetch", "2")), () -> {});
        router.start();
    }

    @AfterEach
    void close() throws Exception {
        router.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** Attaches worker {@code id}; returns the worker's end of its connection. */
    private IpcConnection attach(long id) throws Exception {
        Path socket = dir.resolve("w" + sockets++ + ".sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        closing.add(server);
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
        client.connect(UnixDomainSocketAddress.of(socket));
        IpcConnection managerEnd = new IpcConnection(server.accept());
        IpcConnection workerEnd = new IpcConnection(client);
        closing.add(managerEnd);
        closing.add(workerEnd);
        router.attach(id, (int) id, managerEnd);
        return workerEnd;
    }

    /** Reads DELIVER frames until {@code n} deliveries arrived (5 s at most). */
    private static List<Delivery> receive(IpcConnection worker, int n) throws Exception {
        List<Delivery> got = new ArrayList<>();
        CompletableFuture.runAsync(() -> {
                    try {
                        while (got.size() < n) {
                            Frame f = worker.readFrame();
                            assertThat(f.type()).isEqualTo(FrameType.DELIVER);
                            Deliveries.Deliver deliver = Deliveries.Deliver.decode(f.payload());
                            assertThat(deliver.replies())
                                    .as("requests may be replied to")
                                    .isTrue();
                            got.addAll(deliver.deliveries());
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                })
                .get(5, TimeUnit.SECONDS);
        return got;
    }

    private static String body(Delivery d) {
        return new String(d.body(), StandardCharsets.UTF_8);
    }

    /** Waits until {@code r} has {@code n} events (5 s at most). */
    private static void awaitEvents(Recorded r, int n) {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(r.events).as("events of " + r.body).hasSize(n));
    }

    @Test
    void aWorkerGetsNoMoreThanItsCreditAndAnAckFinishesTheRequest() throws Exception {
        IpcConnection worker = attach(1);
        List<Recorded> requests = List.of(new Recorded("a"), new Recorded("b"), new Recorded("c"));
        requests.forEach(router::submit);

        List<Delivery> first = receive(worker, 2);
        assertThat(first).extracting(RequestRouterTest::body).containsExactly("a", "b");
        assertThat(router.stats()).containsEntry("waiting", 1).containsEntry("in_flight", 2L);

        router.reply(1, first.get(0).tag(), "for a".getBytes(StandardCharsets.UTF_8));
        router.settle(1, List.of(Outcome.acked(first.get(0).tag())));
        awaitEvents(requests.get(0), 2);
        assertThat(requests.get(0).events).containsExactly("reply for a", "done");

        assertThat(receive(worker, 1)).extracting(RequestRouterTest::body).containsExactly("c");
        router.settle(1, List.of(Outcome.acked(first.get(0).tag())));
        assertThat(requests.get(0).events)
                .as("a second settle of one tag changes nothing")
                .hasSize(2);
    }

    @Test
    void requestsGoToTheLeastLoadedWorker() throws Exception {
        IpcConnection one = attach(1);
        IpcConnection two = attach(2);
        for (String b : List.of("a", "b", "c", "d")) {
            router.submit(new Recorded(b));
        }
        assertThat(receive(one, 2)).hasSize(2);
        assertThat(receive(two, 2)).hasSize(2);
    }

    @Test
    void aReleasedRequestRunsOnAnotherWorkerAndADeadWorkersRequestsFail() throws Exception {
        IpcConnection stopping = attach(1);
        Recorded released = new Recorded("released");
        Recorded running = new Recorded("running");
        router.submit(released);
        router.submit(running);
        List<Delivery> held = receive(stopping, 2);
        router.pause(1);
        IpcConnection other = attach(2);

        router.settle(1, List.of(Outcome.released(held.get(0).tag())));
        assertThat(receive(other, 1)).extracting(RequestRouterTest::body).containsExactly("released");

        router.detach(1, "was killed", false);
        awaitEvents(running, 1);
        assertThat(running.events.get(0)).startsWith("failed worker was killed");
        assertThat(released.events).as("the released request is not failed").isEmpty();
        assertThat(router.stats()).containsEntry("failed_by_worker_death", 1L);
    }

    @Test
    void aTaskWhoseWorkerWasKilledRunsOnAnotherAsItsNextDeliveryCountingNothing() throws Exception {
        IpcConnection dying = attach(1);
        Redealt task = new Redealt("t", 1);
        router.submit(task);
        assertThat(receive(dying, 1).get(0).attempt()).isEqualTo(1);
        IpcConnection next = attach(2);

        router.detach(1, "was killed", false);
        Delivery again = receive(next, 1).get(0);
        assertThat(body(again)).isEqualTo("t");
        assertThat(again.attempt()).as("the task's second delivery").isEqualTo(2);
        assertThat(task.recorded.events).as("not failed: it runs again").isEmpty();
        assertThat(task.deaths).as("a kill from outside is not its fault").containsExactly("was killed");
        assertThat(router.stats()).containsEntry("failed_by_worker_death", 0L);
    }

    @Test
    void tasksOfAWorkerThatCrashedHoldingSeveralRunAloneAndOnlyTheCulpritIsCounted() throws Exception {
        IpcConnection first = attach(1);
        Redealt culprit = new Redealt("culprit", 2);
        Redealt innocent = new Redealt("innocent", 2);
        router.submit(culprit);
        router.submit(innocent);
        assertThat(receive(first, 2)).extracting(RequestRouterTest::body).containsExactly("culprit", "innocent");
        IpcConnection second = attach(2);
        Recorded later = new Recorded("later");

        router.detach(1, "exit code 42", true);
        router.submit(later);
        Delivery alone = receive(second, 1).get(0);
        assertThat(body(alone)).as("suspects first, one at a time").isEqualTo("culprit");

        IpcConnection third = attach(3);
        Delivery next = receive(third, 1).get(0);
        assertThat(body(next))
                .as("the next suspect, alone on the next idle worker")
                .isEqualTo("innocent");
        router.settle(3, List.of(Outcome.acked(next.tag())));
        assertThat(body(receive(third, 1).get(0))).isEqualTo("later");

        router.detach(2, "exit code 42", true); // the culprit, alone: counted
        assertThat(culprit.deaths).containsExactly("exit code 42", "exit code 42 (counted)");
        assertThat(innocent.deaths)
                .as("not blamed for a death it may not have caused")
                .containsExactly("exit code 42");
        awaitEvents(innocent.recorded, 1);
        assertThat(innocent.recorded.events).containsExactly("done");
        IpcConnection fourth = attach(4);
        router.detach(3, "exited", false);
        assertThat(body(receive(fourth, 1).get(0)))
                .as("counted once of 2: runs again, alone")
                .isEqualTo("culprit");
        router.detach(4, "exit code 42", true);
        awaitEvents(culprit.recorded, 1);
        assertThat(culprit.recorded.events).containsExactly("failed died 3 times");
    }

    @Test
    void tasksWaitingWhenTheirGroupStopsFailAtOnceAndHasWorkerFollowsAttachedWorkers() throws Exception {
        assertThat(router.hasWorker()).isFalse();
        attach(1);
        assertThat(router.hasWorker()).isTrue();
        router.pause(1);
        assertThat(router.hasWorker())
                .as("a paused worker's replacement is coming: tasks wait for it")
                .isTrue();
        router.detach(1, "exited", false);
        assertThat(router.hasWorker()).isFalse();

        Redealt task = new Redealt("w", 3);
        Recorded request = new Recorded("r");
        router.submit(task);
        router.submit(request);
        router.stopIntake();
        assertThat(task.recorded.events)
                .containsExactly("failed the task group stopped before a worker took this task");
        assertThat(request.events)
                .as("a TCP request waits for the close, as before")
                .isEmpty();
    }

    @Test
    void requestsLeftWaitingWhenThePoolStopsFail() {
        Recorded waiting = new Recorded("w");
        router.submit(waiting);
        router.close();
        assertThat(waiting.events).containsExactly("failed the pool stopped before a worker took this request");
    }
}
