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
        assertThat(t.position()).as("a revoke commits the position whatever was tried").isEqualTo(1);
        t.commitFailed();
        assertThat(t.toCommit()).isEqualTo(1);
    }
}
