package io.procpool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.ipc.HandlingTimes;
import io.procpool.internal.ipc.Outcomes.Outcome;
import io.procpool.internal.ipc.Outcomes.Reply;
import io.procpool.internal.ipc.Outcomes.Result;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The ACK batching rules: ranges, flush on a full batch or an idle worker, order, and nothing lost across threads. */
class OutcomeBatcherTest {

    private final List<List<Outcome>> sent = new ArrayList<>();
    private final List<List<Reply>> replies = new ArrayList<>();
    private final List<HandlingTimes> times = new ArrayList<>();
    private final AtomicInteger unstarted = new AtomicInteger();

    private OutcomeBatcher batcher(int ackBatch) {
        return new OutcomeBatcher(
                ackBatch,
                (r, o, t) -> {
                    replies.add(r);
                    sent.add(o);
                    times.add(t);
                },
                unstarted::get);
    }

    @Test
    void consecutiveAcksUnderLoadLeaveAsOneRangeWhenTheBatchIsFull() {
        OutcomeBatcher b = batcher(4);
        unstarted.set(10); // more deliveries wait: batch
        b.ack(7, 1_000_000);
        b.ack(8, 1_000_000);
        b.ack(9, 1_000_000);
        assertThat(sent).isEmpty();
        b.ack(10, 30_000_000);
        assertThat(sent).containsExactly(List.of(new Outcome(7, 4, Result.ACKED, null)));
        assertThat(times).singleElement().satisfies(t -> {
            assertThat(t.count())
                    .as("one time per ack, in the frame of the acks")
                    .isEqualTo(4);
            assertThat(t.sumSeconds()).isCloseTo(0.033, org.assertj.core.data.Offset.offset(1e-9));
            // 1 ms falls in the bucket up to 1 ms, 30 ms in the one up to 50 ms
            assertThat(t.counts()[0]).isEqualTo(3);
            assertThat(t.counts()[5]).isEqualTo(1);
        });
    }

    @Test
    void aLoneAckLeavesAtOnce() {
        OutcomeBatcher b = batcher(512);
        b.ack(3, 1_000_000); // nothing waits to start
        assertThat(sent).containsExactly(List.of(Outcome.acked(3)));
    }

    @Test
    void aGapOrAFailureClosesTheRangeAndOrderIsKept() {
        OutcomeBatcher b = batcher(100);
        unstarted.set(5);
        b.ack(1, 1_000_000);
        b.ack(2, 1_000_000);
        b.ack(5, 1_000_000);
        b.outcome(Outcome.failed(6, "boom"));
        b.outcome(Outcome.released(7));
        b.flush();
        assertThat(sent)
                .containsExactly(List.of(
                        new Outcome(1, 2, Result.ACKED, null),
                        new Outcome(5, 1, Result.ACKED, null),
                        Outcome.failed(6, "boom"),
                        Outcome.released(7)));
        b.flush();
        assertThat(sent).as("nothing left to send").hasSize(1);
    }

    @Test
    void repliesLeaveBeforeTheOutcomesBatchedWithThem() {
        OutcomeBatcher b = batcher(100);
        unstarted.set(5);
        byte[] body = {1, 2};
        b.reply(4, body);
        body[0] = 9; // the consumer's array is its own again
        b.ack(4, 1_000_000);
        b.flush();
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0)).singleElement().satisfies(r -> {
            assertThat(r.tag()).isEqualTo(4);
            assertThat(r.body()).containsExactly(1, 2);
        });
        assertThat(sent.get(0)).containsExactly(Outcome.acked(4));
    }

    @Test
    void acksFromManyThreadsAreEachSentExactlyOnce() throws Exception {
        OutcomeBatcher b = new OutcomeBatcher(
                16,
                (r, o, t) -> {
                    synchronized (sent) {
                        sent.add(o);
                        times.add(t);
                    }
                },
                unstarted::get);
        unstarted.set(1_000);
        int threads = 8;
        int perThread = 2_000;
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = t * 1_000_000L;
            started.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    b.ack(base + i, 1_000_000);
                }
            }));
        }
        for (Thread t : started) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        b.flush();
        Set<Long> tags = new HashSet<>();
        long total = 0;
        synchronized (sent) {
            for (List<Outcome> batch : sent) {
                for (Outcome o : batch) {
                    for (int i = 0; i < o.count(); i++) {
                        assertThat(tags.add(o.tag() + i))
                                .as("tag %d sent once", o.tag() + i)
                                .isTrue();
                    }
                    total += o.count();
                }
            }
        }
        assertThat(total).isEqualTo((long) threads * perThread);
        assertThat(times.stream().mapToLong(HandlingTimes::count).sum())
                .as("every ack's time left with some batch, once")
                .isEqualTo(total);
    }
}
