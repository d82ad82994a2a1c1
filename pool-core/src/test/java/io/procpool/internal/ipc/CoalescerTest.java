package io.procpool.internal.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Items go out at once when idle, nothing is left behind under contention, and a batching scope sends one frame. */
class CoalescerTest {

    @Test
    void anItemAddedWhileIdleIsSentAtOnceAloneAndBatchesKeepTheirLimit() {
        List<List<Integer>> frames = new ArrayList<>();
        Coalescer<Integer> c = new Coalescer<>(3, frames::add);
        c.add(1);
        assertThat(frames).containsExactly(List.of(1));
        c.addAll(List.of(2, 3, 4, 5));
        assertThat(frames).containsExactly(List.of(1), List.of(2, 3, 4), List.of(5));
    }

    @Test
    void insideABatchingScopeWhatIsAddedGoesOutAsOneFramePerCoalescerAtItsEnd() {
        List<List<String>> a = new ArrayList<>();
        List<List<String>> b = new ArrayList<>();
        Coalescer<String> toA = new Coalescer<>(100, a::add);
        Coalescer<String> toB = new Coalescer<>(100, b::add);
        Coalescer.batching(() -> {
            toA.add("a1");
            toB.add("b1");
            toA.add("a2");
            Coalescer.batching(() -> toA.add("a3")); // nested: part of the outer scope
            assertThat(a).as("held until the scope ends").isEmpty();
        });
        assertThat(a).containsExactly(List.of("a1", "a2", "a3"));
        assertThat(b).containsExactly(List.of("b1"));
        toA.add("a4");
        assertThat(a).as("outside a scope: at once again").hasSize(2);
    }

    @Test
    void underContentionEveryItemIsSentOnceInEachThreadsOrderAndNeverByTwoThreadsAtOnce() throws Exception {
        List<Integer> sent = new CopyOnWriteArrayList<>();
        AtomicInteger sending = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Coalescer<Integer> c = new Coalescer<>(64, batch -> {
            if (sending.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            sent.addAll(batch);
            sending.decrementAndGet();
        });
        int threads = 8;
        int each = 5_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    c.add(base + i);
                }
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps).hasValue(0);
        assertThat(sent).hasSize(threads * each).doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            List<Integer> mine =
                    sent.stream().filter(i -> i / each == base / each).toList();
            List<Integer> sorted = new ArrayList<>(mine);
            Collections.sort(sorted);
            assertThat(mine).as("thread %d's items in its order", t).isEqualTo(sorted);
        }
    }
}
