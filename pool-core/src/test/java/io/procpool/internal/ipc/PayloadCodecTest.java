package io.procpool.internal.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.config.RetrySettings;
import io.procpool.internal.config.WorkerSettings;
import io.procpool.internal.ipc.Deliveries.Deliver;
import io.procpool.internal.ipc.Deliveries.DeliverRuns;
import io.procpool.internal.ipc.Deliveries.Delivery;
import io.procpool.internal.ipc.Deliveries.Run;
import io.procpool.internal.ipc.Handshake.Hello;
import io.procpool.internal.ipc.Handshake.Welcome;
import io.procpool.internal.ipc.Outcomes.Ack;
import io.procpool.internal.ipc.Outcomes.Outcome;
import io.procpool.internal.ipc.Outcomes.Replies;
import io.procpool.internal.ipc.Outcomes.Reply;
import io.procpool.internal.ipc.Outcomes.Result;
import io.procpool.internal.ipc.Producing.PushAnswer;
import io.procpool.internal.ipc.Producing.PushBatch;
import io.procpool.internal.ipc.WorkerReports.Heartbeat;
import io.procpool.internal.ipc.WorkerReports.Push;
import io.procpool.internal.ipc.WorkerReports.Recycle;
import io.procpool.internal.ipc.WorkerReports.Send;
import io.procpool.internal.queue.Bodies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every payload decodes to what was encoded, text is standard UTF-8, and a cut payload is a protocol error. */
class PayloadCodecTest {

    /** Outside the BMP and with a NUL: the two places modified UTF-8 differs from standard UTF-8. */
    private static final String TEXT = "naïve \u0000 😀 ключ";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void handshakeRoundTrips() {
        assertThat(Hello.decode(new Hello(7, 3, 4242).encode())).isEqualTo(new Hello(7, 3, 4242));
        var settings = new WorkerSettings(
                "com.example.C", 2, 100, 8, RetrySettings.DEFAULTS, TEXT, null, Map.of("app.k", TEXT));
        assertThat(Welcome.decode(new Welcome(settings).encode()).settings()).isEqualTo(settings);
    }

    @Test
    void deliverRoundTripsIdsHeadersAndBodies() {
        var withId = new Delivery(1, "order-" + TEXT, 2, "redis:orders", Map.of("h", TEXT), bytes("one"));
        var tagIsId = new Delivery(9, null, 1, "redis:orders", Map.of(), new byte[0]);
        Deliver decoded = Deliver.decode(new Deliver(List.of(withId, tagIsId), true).encode());

        assertThat(decoded.replies()).isTrue();
        assertThat(decoded.deliveries()).hasSize(2);
        Delivery first = decoded.deliveries().get(0);
        assertThat(first.tag()).isEqualTo(1);
        assertThat(first.id()).isEqualTo("order-" + TEXT);
        assertThat(first.attempt()).isEqualTo(2);
        assertThat(first.source()).isEqualTo("redis:orders");
        assertThat(first.headers()).isEqualTo(Map.of("h", TEXT));
        assertThat(first.body()).isEqualTo(bytes("one"));
        Delivery second = decoded.deliveries().get(1);
        assertThat(second.id()).isNull();
        assertThat(second.tag()).isEqualTo(9);
        assertThat(second.body()).isEmpty();
    }

    @Test
    void deliverRunsExpandToOneDeliveryPerMessage() {
        Bodies bodies = Bodies.of(List.of(bytes("a"), bytes("bb"), bytes("ccc"), bytes("dddd")));
        List<Run> runs = List.of(new Run(100, 1, bodies, 0, 2), new Run(200, 3, bodies, 2, 4));
        ByteBuffer out = ByteBuffer.allocate(DeliverRuns.encodedSize(TEXT, runs));
        DeliverRuns.encodeTo(out, TEXT, runs);
        assertThat(out.remaining()).as("encodedSize is exact").isZero();

        List<Delivery> decoded = DeliverRuns.decode(out.array());
        assertThat(decoded).extracting(Delivery::tag).containsExactly(100L, 101L, 200L, 201L);
        assertThat(decoded).extracting(Delivery::attempt).containsExactly(1, 1, 3, 3);
        assertThat(decoded)
                .extracting(d -> new String(d.body(), StandardCharsets.UTF_8))
                .containsExactly("a", "bb", "ccc", "dddd");
        assertThat(decoded).allSatisfy(d -> assertThat(d.source()).isEqualTo(TEXT));
    }

    @Test
    void outcomesAndRepliesRoundTrip() {
        List<Outcome> outcomes =
                List.of(new Outcome(1, 50, Result.ACKED, null), Outcome.failed(51, TEXT), Outcome.released(52));
        assertThat(Ack.decode(new Ack(outcomes).encode()).outcomes()).isEqualTo(outcomes);
        HandlingTimes times = new HandlingTimes();
        for (long nanos : new long[] {500_000, 2_000_000, 2_000_000, 90_000_000_000L}) {
            times.record(nanos);
        }
        Ack withTimes = Ack.decode(new Ack(outcomes, times).encode());
        assertThat(withTimes.times()).isEqualTo(times);
        assertThat(withTimes.times().count()).isEqualTo(4);
        assertThat(withTimes.times().counts()[HandlingTimes.bounds().length])
                .as("90 s is above the last bound")
                .isEqualTo(1);
        assertThat(withTimes.acked()).isEqualTo(50);

        Replies replies = Replies.decode(new Replies(List.of(new Reply(5, bytes(TEXT)))).encode());
        assertThat(replies.replies()).singleElement().satisfies(r -> {
            assertThat(r.tag()).isEqualTo(5);
            assertThat(r.body()).isEqualTo(bytes(TEXT));
        });
    }

    @Test
    void aFailureWithoutAMessageStillCarriesText() {
        Outcome failed = Ack.decode(new Ack(List.of(Outcome.failed(3, null))).encode())
                .outcomes()
                .get(0);
        assertThat(failed.result()).isEqualTo(Result.FAILED);
        assertThat(failed.error()).isNotBlank();
    }

    @Test
    void theOutcomeCodesAreTheProtocolsNotTheEnumsOrder() {
        byte[] released = new Ack(List.of(Outcome.released(7))).encode();
        assertThat(released[4 + 8 + 4]).as("RELEASED is code 2 on the wire").isEqualTo((byte) 2);
        released[4 + 8 + 4] = 9;
        assertThatThrownBy(() -> Ack.decode(released))
                .isInstanceOf(IpcProtocolException.class)
                .hasMessageContaining("unknown outcome 9");
    }

    @Test
    void anOutcomeOfZeroDeliveriesIsRefused() {
        byte[] ack = new Ack(List.of(new Outcome(1, 0, Result.ACKED, null))).encode();
        assertThatThrownBy(() -> Ack.decode(ack)).isInstanceOf(IpcProtocolException.class);
    }

    @Test
    void workerReportsRoundTrip() {
        HandlingTimes own = new HandlingTimes();
        own.record(7_000_000);
        var heartbeat = new Heartbeat(10, 2, 3, 1_700_000_000_000L, Map.of("lag", TEXT), own);
        assertThat(Heartbeat.decode(heartbeat.encode())).isEqualTo(heartbeat);
        assertThat(Recycle.decode(new Recycle(TEXT).encode())).isEqualTo(new Recycle(TEXT));

        Send send = Send.decode(new Send(4, bytes(TEXT)).encode());
        assertThat(send.slot()).isEqualTo(4);
        assertThat(send.body()).isEqualTo(bytes(TEXT));
        Push push = Push.decode(new Push(TEXT, bytes("x")).encode());
        assertThat(push.queue()).isEqualTo(TEXT);
        assertThat(push.body()).isEqualTo(bytes("x"));
    }

    @Test
    void producingRoundTrips() {
        PushBatch batch =
                PushBatch.decode(new PushBatch(8, "jobs", 250, Bodies.of(List.of(bytes("p"), bytes(TEXT)))).encode());
        assertThat(batch.requestId()).isEqualTo(8);
        assertThat(batch.queue()).isEqualTo("jobs");
        assertThat(batch.delayMs()).isEqualTo(250);
        assertThat(batch.bodies().size()).isEqualTo(2);
        assertThat(batch.bodies().body(1)).isEqualTo(bytes(TEXT));

        assertThat(PushAnswer.decode(new PushAnswer(8, 1000, 2, null).encode()))
                .isEqualTo(new PushAnswer(8, 1000, 2, null));
        assertThat(PushAnswer.decode(new PushAnswer(8, 0, 0, TEXT).encode())).isEqualTo(new PushAnswer(8, 0, 0, TEXT));
    }

    @Test
    void textLongerThanTheWireAllowsIsCutNotCorrupted() {
        String huge = "é".repeat(100_000);
        String decoded = Recycle.decode(new Recycle(huge).encode()).reason();
        assertThat(decoded).startsWith("éééé").endsWith("…");
        assertThat(decoded.length()).isLessThan(huge.length());
    }

    @Test
    void taskCallsAndResultsRoundTrip() {
        var calls = Tasks.Calls.decode(new Tasks.Calls(
                                List.of(new Tasks.Call(7, "tasks", bytes(TEXT)), new Tasks.Call(8, "", new byte[0])))
                        .encode())
                .calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).id()).isEqualTo(7);
        assertThat(calls.get(0).group()).isEqualTo("tasks");
        assertThat(new String(calls.get(0).body(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
        assertThat(calls.get(1).group()).isEmpty();
        assertThat(calls.get(1).body()).isEmpty();

        var results = Tasks.Results.decode(
                        new Tasks.Results(List.of(Tasks.Result.replied(7, bytes("ok")), Tasks.Result.failed(8, TEXT)))
                                .encode())
                .results();
        assertThat(results.get(0).ok()).isTrue();
        assertThat(results.get(0).body()).isEqualTo(bytes("ok"));
        assertThat(results.get(1).ok()).isFalse();
        assertThat(results.get(1).id()).isEqualTo(8);
        assertThat(results.get(1).error()).isEqualTo(TEXT);
    }

    @Test
    void everyCutPayloadIsAProtocolErrorNotAnotherException() {
        var deliver = new Deliver(List.of(new Delivery(1, "id", 1, "s", Map.of("k", "v"), bytes("body")))).encode();
        var heartbeat = new Heartbeat(1, 2, 3, 4, Map.of("k", "v")).encode();
        var ack = new Ack(List.of(Outcome.failed(1, "boom"))).encode();
        var batch = new PushBatch(1, "q", 0, Bodies.of(List.of(bytes("abc")))).encode();
        assertCutsFail(deliver, Deliver::decode);
        assertCutsFail(heartbeat, Heartbeat::decode);
        assertCutsFail(ack, Ack::decode);
        assertCutsFail(batch, PushBatch::decode);
        assertCutsFail(new Tasks.Calls(List.of(new Tasks.Call(1, "g", bytes("b")))).encode(), Tasks.Calls::decode);
        assertCutsFail(
                new Tasks.Results(List.of(Tasks.Result.replied(1, bytes("b")), Tasks.Result.failed(2, "e"))).encode(),
                Tasks.Results::decode);
    }

    private static void assertCutsFail(byte[] whole, Function<byte[], ?> decode) {
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> decode.apply(cut))
                    .as("decoding %d of %d bytes", length, whole.length)
                    .isInstanceOf(IpcProtocolException.class);
        }
    }
}
