package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.config.AutoscaleSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The autoscaling rules on a clock the test moves: grow on backlog, shrink when idle, cooldowns, bounds. */
class AutoscalerTest {

    private static final AutoscaleSettings SETTINGS =
            new AutoscaleSettings(1, 4, 100, Duration.ofSeconds(10), Duration.ofSeconds(60));

    private final Autoscaler scaler = new Autoscaler();

    @Test
    void aBacklogGrowsTheGroupStraightToWhatItNeedsButNeverPastMax() {
        assertThat(scaler.decide(0, SETTINGS, 1, 1, 1, 1, 250)).hasValue(3);
        Autoscaler big = new Autoscaler();
        assertThat(big.decide(0, SETTINGS, 1, 1, 1, 1, 30_000))
                .as("capped at max")
                .hasValue(4);
        assertThat(big.decide(20_000, SETTINGS, 4, 4, 4, 1, 30_000))
                .as("at max already")
                .isEmpty();
    }

    @Test
    void aBacklogWithinWhatTheReadyWorkersTakeChangesNothing() {
        assertThat(scaler.decide(0, SETTINGS, 2, 2, 2, 1, 200)).isEmpty();
        assertThat(scaler.decide(1_000, SETTINGS, 2, 2, 2, 1, -1))
                .as("unknown backlog")
                .isEmpty();
    }

    @Test
    void twoChangesAreAtLeastACooldownApart() {
        assertThat(scaler.decide(0, SETTINGS, 1, 1, 1, 1, 150)).hasValue(2);
        assertThat(scaler.decide(5_000, SETTINGS, 2, 2, 2, 1, 1_000))
                .as("within the cooldown")
                .isEmpty();
        assertThat(scaler.decide(10_000, SETTINGS, 2, 2, 2, 1, 1_000)).hasValue(4);
    }

    @Test
    void anIdleGroupShrinksByOneEachIdlePeriodDownToMin() {
        long t = 0;
        assertThat(scaler.decide(t, SETTINGS, 3, 3, 0, 1, 0))
                .as("idle from now")
                .isEmpty();
        assertThat(scaler.decide(t += 59_000, SETTINGS, 3, 3, 0, 1, 0)).isEmpty();
        assertThat(scaler.decide(t += 1_000, SETTINGS, 3, 3, 0, 1, 0)).hasValue(2);
        assertThat(scaler.decide(t += 30_000, SETTINGS, 2, 2, 0, 1, 0))
                .as("idle_after again")
                .isEmpty();
        assertThat(scaler.decide(t += 30_000, SETTINGS, 2, 2, 0, 1, 0)).hasValue(1);
        assertThat(scaler.decide(t += 120_000, SETTINGS, 1, 1, 0, 1, 0))
                .as("min")
                .isEmpty();
    }

    @Test
    void workersBusyWithEveryOneOfThemOrABacklogAreNotIdle() {
        assertThat(scaler.decide(0, SETTINGS, 2, 2, 2, 1, 0)).isEmpty();
        assertThat(scaler.decide(120_000, SETTINGS, 2, 2, 2, 1, 0))
                .as("both workers busy: no worker to spare")
                .isEmpty();
        assertThat(scaler.decide(121_000, SETTINGS, 2, 2, 1, 1, 0))
                .as("idle only from now")
                .isEmpty();
        assertThat(scaler.decide(150_000, SETTINGS, 2, 2, 1, 1, 5))
                .as("a backlog ends idleness")
                .isEmpty();
        assertThat(scaler.decide(200_000, SETTINGS, 2, 2, 1, 1, 0)).isEmpty();
        assertThat(scaler.decide(260_000, SETTINGS, 2, 2, 1, 1, 0)).hasValue(1);
    }

    @Test
    void aCountOutsideNewBoundsIsBroughtInside() {
        AutoscaleSettings narrower = new AutoscaleSettings(2, 3, 100, Duration.ofSeconds(10), Duration.ofSeconds(60));
        assertThat(scaler.decide(0, narrower, 6, 6, 0, 1, 0)).hasValue(3);
        assertThat(new Autoscaler().decide(0, narrower, 1, 1, 0, 1, 0)).hasValue(2);
    }

    @Test
    void everyDecisionIsCountedAndKeptWithItsReasonForStatus() {
        scaler.decide(0, SETTINGS, 1, 1, 1, 1, 30_000);
        scaler.decide(10_000, SETTINGS, 4, 4, 0, 1, 0);
        scaler.decide(70_000, SETTINGS, 4, 4, 0, 1, 0);
        assertThat(scaler.status(SETTINGS)).hasValueSatisfying(a -> {
            assertThat(a.min()).isEqualTo(1);
            assertThat(a.max()).isEqualTo(4);
            assertThat(a.ups()).isEqualTo(1);
            assertThat(a.downs()).isEqualTo(1);
            assertThat(a.backlog()).isZero();
            assertThat(a.lastDecision()).startsWith("4 -> 3: idle for 60s");
        });
        assertThat(scaler.status(null)).as("a group with a fixed count").isEmpty();
    }
}
