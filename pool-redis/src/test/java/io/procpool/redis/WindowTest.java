package io.procpool.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void aReadTakesAWholeBatchWhileThereIsRoom() throws Exception {
        Window w = new Window(100, 30);
        assertThat(w.take(1, TimeUnit.SECONDS)).isEqualTo(30);
        assertThat(w.take(1, TimeUnit.SECONDS)).isEqualTo(30);
        assertThat(w.take(1, TimeUnit.SECONDS)).isEqualTo(30);
        assertThat(w.take(1, TimeUnit.SECONDS)).as("nothing free").isZero();
        assertThat(w.inFlight()).as("taken for a fetch is not in flight yet").isZero();
        w.fetched(70);
        assertThat(w.inFlight()).isEqualTo(70);
        assertThat(w.take(1, TimeUnit.SECONDS))
                .as("the 20 not fetched are free again, 30 is a batch")
                .isEqualTo(30);
    }

    @Test
    void aNearlyFullWindowWaitsForHalfOfItNotForOneMessage() throws Exception {
        Window w = new Window(8, 8);
        assertThat(w.take(1, TimeUnit.SECONDS)).isEqualTo(8);
        w.fetched(8);
        w.release(3);
        assertThat(w.take(50, TimeUnit.MILLISECONDS))
                .as("3 free, a read waits for 4")
                .isZero();
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return w.take(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(read).isNotDone();
        w.release(1);
        assertThat(read.get(5, TimeUnit.SECONDS))
                .as("woken by the release that made 4 free; takes all 4")
                .isEqualTo(4);
    }

    @Test
    void manyReleasingThreadsNeverLetTheReaderHoldMoreThanTheWindow() throws Exception {
        Window w = new Window(64, 16);
        AtomicInteger held = new AtomicInteger();
        int most = 0;
        int total = 200_000;
        Thread[] releasers = new Thread[4];
        java.util.concurrent.LinkedBlockingQueue<Integer> toFinish = new java.util.concurrent.LinkedBlockingQueue<>();
        for (int i = 0; i < releasers.length; i++) {
            releasers[i] = Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        int n = toFinish.take();
                        if (n < 0) {
                            return;
                        }
                        held.addAndGet(-n);
                        w.release(n);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        int taken = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (taken < total && System.nanoTime() < deadline) {
            int n = w.take(1, TimeUnit.SECONDS);
            w.fetched(n);
            most = Math.max(most, held.addAndGet(n));
            taken += n;
            for (int i = 0; i < n; i++) {
                toFinish.add(1);
            }
        }
        for (Thread ignored : releasers) {
            toFinish.add(-1);
        }
        for (Thread t : releasers) {
            t.join(5_000);
        }
        assertThat(taken).as("every read got room in time").isGreaterThanOrEqualTo(total);
        assertThat(most).isLessThanOrEqualTo(64);
        assertThat(w.idle()).as("all room came back").isTrue();
    }
}
