package io.procpool.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    @Test
    void theCommitAdvancesPastContiguousFinishedRecordsOnly() {
        OffsetTracker t = new OffsetTracker();
        assertThat(t.toCommit()).isEqualTo(-1);
        for (long o = 10; o < 15; o++) {
            t.handedOut(o);
        }
        t.finished(10);
        t.finished(12);
        t.finished(13);
        assertThat(t.toCommit()).as("11 still runs").isEqualTo(11);
        t.committed(11);
        assertThat(t.toCommit()).as("unchanged").isEqualTo(-1);
        t.finished(11);
        t.finished(14);
        assertThat(t.toCommit()).as("all finished: after the last").isEqualTo(15);
        assertThat(t.unfinished()).isZero();
    }

    @Test
    void aFailedCommitIsOfferedAgain() {
        OffsetTracker t = new OffsetTracker();
        t.handedOut(0);
        t.finished(0);
        t.committed(t.toCommit());
        assertThat(t.toCommit()).isEqualTo(-1);
        assertThat(t.position())
                .as("a revoke commits the position whatever was tried")
                .isEqualTo(1);
        t.commitFailed();
        assertThat(t.toCommit()).isEqualTo(1);
    }

    @Test
    void manyRecordsFinishingOutOfOrderAcrossRingGrowth() {
        OffsetTracker t = new OffsetTracker();
        java.util.List<Long> order = new java.util.ArrayList<>();
        for (long o = 1000; o < 1300; o++) {
            t.handedOut(o);
            order.add(o);
        }
        java.util.Collections.shuffle(order, new java.util.Random(7));
        java.util.TreeSet<Long> left = new java.util.TreeSet<>(order);
        for (long o : order) {
            t.finished(o);
            t.finished(o); // twice: no effect
            left.remove(o);
            assertThat(t.position()).isEqualTo(left.isEmpty() ? 1300 : left.first());
            assertThat(t.unfinished()).isEqualTo(left.size());
        }
        t.finished(5); // never handed out (a revoked partition's record): ignored
        assertThat(t.position()).isEqualTo(1300);
    }
}
