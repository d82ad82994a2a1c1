package io.procpool.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.TestClock;
import io.procpool.internal.config.QueueSettings;
import io.procpool.internal.control.StatusCodec;
import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.Outcomes;
import io.procpool.internal.ipc.Outcomes.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built-in queue's delivery rules, driven directly: no sockets, no threads, a clock the test moves. */
class QueueEngineTest {

    private final TestClock clock = new TestClock();
    private QueueEngine engine;

    /** One message as a worker would get it. */
    record Sent(long workerId, long tag, int attempt, String body) {}

    private QueueEngine start(int prefetch, int maxDeliveries, long maxLength) {
        QueueSettings s = new QueueSettings(
                "q",
                Durability.NONE,
                prefetch,
                maxLength,
                Duration.ofMillis(300),
                1 << 20,
                Duration.ofMillis(50),
                Duration.ofSeconds(1));
        engine = new QueueEngine(s, maxDeliveries, 1, new MemoryQueueStore(), clock);
        engine.load();
        return engine;
    }

    private void attach(long workerId) {
        engine.attach(workerId, (int) workerId, null); // the engine never writes to a connection
    }

    /** What the engine deals now, one entry per message. */
    private List<Sent> deal() {
        List<Sent> sent = new ArrayList<>();
        for (QueueEngine.Dealt d : engine.deal()) {
            for (Deliveries.Run r : d.runs()) {
                for (int i = 0; i < r.count(); i++) {
                    sent.add(new Sent(
                            d.workerId(),
                            r.firstTag() + i,
                            r.attempt(),
                            new String(r.bodies().body(r.from() + i), StandardCharsets.UTF_8)));
                }
            }
        }
        return sent;
    }

    private static List<byte[]> bodies(String... texts) {
        return java.util.Arrays.stream(texts)
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    private void push(String... texts) throws Exception {
        engine.push("q", bodies(texts), 0);
    }

    @Test
    void dealsInPushOrderWithinTheCreditWindowAndMoreAfterAcks() throws Exception {
        start(2, 5, 0);
        attach(1);
        push("a", "b", "c");
        List<Sent> first = deal();
        assertThat(first).extracting(Sent::body).containsExactly("a", "b");
        assertThat(first).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
        assertThat(deal()).as("the window is full").isEmpty();
        assertThat(StatusCodec.queue(engine.stats()))
                .containsEntry("in_flight", 2L)
                .containsEntry("depth", 1L);
        engine.settle(1, List.of(Outcome.acked(first.get(0).tag())));
        assertThat(deal()).extracting(Sent::body).containsExactly("c");
        assertThat(StatusCodec.queue(engine.stats())).containsEntry("acked", 1L);
    }

    @Test
    void aTrickleSpreadsOverTheWorkersAndAFloodFillsEveryWindow() throws Exception {
        start(3, 5, 0);
        attach(1);
        attach(2);
        push("a", "b");
        assertThat(deal()).extracting(Sent::workerId).containsExactlyInAnyOrder(1L, 2L);
        push("c", "d", "e", "f", "g", "h");
        List<Sent> flood = deal();
        assertThat(flood).hasSize(4);
        assertThat(StatusCodec.queue(engine.stats()))
                .containsEntry("in_flight", 6L)
                .containsEntry("depth", 2L);
    }

    @Test
    void aDeadWorkersMessagesGoToAnotherWorkerWithTheAttemptRaised() throws Exception {
        start(10, 5, 0);
        attach(1);
        push("a", "b");
        List<Sent> toFirst = deal();
        engine.detach(1, "killed (SIGKILL)", false);
        attach(2);
        List<Sent> again = deal();
        assertThat(again).extracting(Sent::body).containsExactly("a", "b");
        assertThat(again)
                .extracting(Sent::tag)
                .containsExactlyElementsOf(toFirst.stream().map(Sent::tag).toList());
        assertThat(again.get(0).attempt())
                .as("may have been running: delivery counted")
                .isEqualTo(2);
        assertThat(again.get(1).attempt())
                .as("was waiting unstarted: as if never sent")
                .isEqualTo(1);
    }

    @Test
    void aFailingMessageComesBackAfterItsDelayThenIsDeadLettered() throws Exception {
        start(10, 2, 0);
        attach(1);
        push("poison");
        Sent d1 = deal().get(0);
        engine.settle(1, List.of(Outcome.failed(d1.tag(), "boom")));
        assertThat(deal()).as("waiting its redelivery delay").isEmpty();
        assertThat(StatusCodec.queue(engine.stats())).containsEntry("delayed", 1L);
        clock.advance(Duration.ofMillis(50));
        Sent d2 = deal().get(0);
        assertThat(d2.attempt()).isEqualTo(2);
        engine.settle(1, List.of(Outcome.failed(d2.tag(), "boom again")));
        assertThat(StatusCodec.queue(engine.stats()))
                .containsEntry("dead", 1L)
                .containsEntry("in_flight", 0L)
                .containsEntry("delayed", 0L);
        assertThat(engine.peek(true, 10))
                .singleElement()
                .satisfies(m -> assertThat(m.lastError()).isEqualTo("boom again"));
        assertThat(engine.requeueDead()).isEqualTo(1);
        assertThat(deal().get(0).attempt()).isEqualTo(1);
    }

    @Test
    void theRedeliveryDelayDoublesPerFailureUpToItsCap() throws Exception {
        start(10, 10, 0);
        attach(1);
        push("flaky");
        long[] expectedMs = {50, 100, 200, 400, 800, 1000, 1000};
        for (long wait : expectedMs) {
            Sent d = deal().get(0);
            engine.settle(1, List.of(Outcome.failed(d.tag(), "again")));
            clock.advance(Duration.ofMillis(wait - 1));
            assertThat(deal()).as("not before " + wait + " ms").isEmpty();
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(deal()).hasSize(1);
    }

    @Test
    void releasedMessagesGoBackWithoutCountingADelivery() throws Exception {
        start(10, 5, 0);
        attach(1);
        push("a");
        Sent d = deal().get(0);
        engine.settle(1, List.of(Outcome.released(d.tag())));
        assertThat(deal().get(0).attempt()).isEqualTo(1);
    }

    @Test
    void aFullQueueHoldsTheProducerThenRefusesAndAnAckMakesRoom() throws Exception {
        start(10, 5, 2);
        attach(1);
        push("a", "b");
        List<Sent> held = deal();
        long started = System.nanoTime();
        assertThatThrownBy(() -> push("c"))
                .isInstanceOf(PushRefusedException.class)
                .hasMessageContaining("is full")
                .hasMessageContaining("nothing was added");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("held back for push_timeout")
                .isGreaterThanOrEqualTo(Duration.ofMillis(290));
        CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return engine.push("q", bodies("c"), 0);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        engine.settle(1, List.of(Outcome.acked(held.get(0).tag())));
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(3L);
        assertThat(StatusCodec.queue(engine.stats())).containsEntry("pushed", 3L);
    }

    @Test
    void aDelayedMessageWaitsForItsTime() throws Exception {
        start(10, 5, 0);
        attach(1);
        engine.push("q", bodies("later"), 300);
        push("now");
        assertThat(deal()).extracting(Sent::body).containsExactly("now");
        clock.advance(Duration.ofMillis(299));
        assertThat(deal()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(deal()).extracting(Sent::body).containsExactly("later");
    }

    @Test
    void aBatchSettlesInRangesAndItsUnsettledRestGoesBackInOrderWhenTheWorkerDies() throws Exception {
        start(10, 5, 0);
        attach(1);
        push("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        List<Sent> sent = deal();
        assertThat(sent).extracting(Sent::body).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        long t = sent.get(0).tag();
        engine.settle(
                1,
                List.of(
                        new Outcome(t + 2, 3, Outcomes.Result.ACKED, null),
                        Outcome.failed(t, "boom"),
                        new Outcome(t + 7, 3, Outcomes.Result.RELEASED, null)));
        List<Sent> released = deal();
        assertThat(released).extracting(Sent::body).containsExactly("h", "i", "j");
        assertThat(released).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
        assertThat(StatusCodec.queue(engine.stats()))
                .containsEntry("acked", 3L)
                .containsEntry("in_flight", 6L)
                .containsEntry("delayed", 1L);

        engine.detach(1, "killed (SIGKILL)", false);
        attach(2);
        List<Sent> again = deal();
        assertThat(again).extracting(Sent::body).containsExactly("b", "f", "g", "h", "i", "j");
        assertThat(again).extracting(Sent::attempt).containsExactly(2, 1, 1, 1, 1, 1);
        clock.advance(Duration.ofMillis(50));
        Sent retried = deal().get(0);
        assertThat(retried.body()).isEqualTo("a");
        assertThat(retried.attempt()).isEqualTo(2);
        engine.settle(2, List.of(new Outcome(t, 10, Outcomes.Result.ACKED, null)));
        assertThat(StatusCodec.queue(engine.stats()))
                .containsEntry("acked", 10L)
                .containsEntry("in_flight", 0L)
                .containsEntry("depth", 0L);
    }

    @Test
    void aReleasedMessageThatComesBackToTheSameWorkerLosesNoneOfItsNeighbours() throws Exception {
        start(10, 5, 0);
        attach(1);
        push("a", "b", "c");
        long t = deal().get(0).tag();
        engine.settle(1, List.of(Outcome.released(t)));
        assertThat(deal()).extracting(Sent::body).containsExactly("a");
        assertThat(StatusCodec.queue(engine.stats())).containsEntry("in_flight", 3L);
        engine.settle(1, List.of(new Outcome(t, 3, Outcomes.Result.ACKED, null)));
        assertThat(StatusCodec.queue(engine.stats()))
                .containsEntry("acked", 3L)
                .containsEntry("in_flight", 0L)
                .containsEntry("depth", 0L);
    }

    @Test
    void aWorkerThatDiesOfItsOwnHoldingSeveralMessagesBlamesNoneAndTheyComeBackOneAtATime() throws Exception {
        start(10, 2, 0);
        attach(1);
        push("a", "crash", "c");
        deal();
        engine.detach(1, "exit code 42", true); // acks are batched: any of the three may have finished

        attach(2);
        List<Sent> one = deal();
        assertThat(one).extracting(Sent::body).containsExactly("a");
        assertThat(one.get(0).attempt()).isEqualTo(2);
        assertThat(deal()).as("one suspect at a time").isEmpty();
        engine.settle(2, List.of(Outcome.acked(one.get(0).tag())));
        assertThat(deal()).extracting(Sent::body).containsExactly("crash");
        engine.detach(2, "exit code 42", true); // alone on its worker: this death is its own

        attach(3);
        Sent again = deal().get(0);
        assertThat(again.body()).isEqualTo("crash");
        assertThat(again.attempt()).isEqualTo(3);
        engine.detach(3, "exit code 42", true);
        assertThat(StatusCodec.queue(engine.stats())).containsEntry("dead", 1L);
        assertThat(engine.peek(true, 10)).singleElement().satisfies(m -> {
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("crash");
            assertThat(m.failures()).isEqualTo(2);
        });

        attach(4);
        Sent c = deal().get(0);
        assertThat(c.body()).isEqualTo("c");
        engine.settle(4, List.of(Outcome.acked(c.tag())));
        assertThat(StatusCodec.queue(engine.stats()))
                .containsEntry("acked", 2L)
                .containsEntry("depth", 0L)
                .containsEntry("in_flight", 0L);
    }

    @Test
    void whileSuspectsWaitNoWorkerGetsNewMessagesBeforeItHasDrained() throws Exception {
        start(10, 5, 0);
        attach(1);
        attach(2);
        push("a", "b", "c", "d");
        List<Sent> sent = deal();
        List<Sent> toW1 = sent.stream().filter(s -> s.workerId() == 1).toList();
        List<Sent> toW2 = sent.stream().filter(s -> s.workerId() == 2).toList();
        assertThat(toW1).hasSize(2);
        engine.detach(2, "exit code 42", true);
        push("e");
        assertThat(deal())
                .as("w1 still holds two: it gets neither a suspect nor e")
                .isEmpty();
        engine.settle(1, List.of(new Outcome(toW1.get(0).tag(), 2, Outcomes.Result.ACKED, null)));
        assertThat(deal()).extracting(Sent::body).containsExactly(toW2.get(0).body());
    }

    @Test
    void aKillFromOutsideMakesNoSuspects() throws Exception {
        start(10, 5, 0);
        attach(1);
        push("a", "b", "c");
        deal();
        engine.detach(1, "killed (SIGKILL)", false);
        attach(2);
        assertThat(deal()).extracting(Sent::body).containsExactly("a", "b", "c");
    }

    @Test
    void aStoppedIntakeDealsNothingAndAPausedWorkerGetsNothing() throws Exception {
        start(10, 5, 0);
        attach(1);
        engine.pause(1);
        push("a");
        assertThat(deal()).isEmpty();
        attach(2);
        engine.stopIntake();
        assertThat(deal()).isEmpty();
        assertThat(StatusCodec.queue(engine.stats())).containsEntry("depth", 1L);
    }
}
