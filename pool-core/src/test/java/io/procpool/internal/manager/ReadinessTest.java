package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Group;
import io.procpool.PoolStatus.Pool;
import io.procpool.PoolStatus.PoolState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How many READY workers {@code /health/ready} needs: ready_min, else every fixed group's and each autoscaled group's min. */
class ReadinessTest {

    private static Group group(String name, int target, Optional<PoolStatus.Autoscale> autoscale) {
        return new Group(
                name,
                "C",
                "queue",
                target,
                0,
                0,
                0,
                0,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                autoscale,
                Map.of());
    }

    private static PoolStatus status(Group... groups) {
        Pool pool = new Pool(
                1,
                PoolState.RUNNING,
                "C",
                "queue",
                Duration.ZERO,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                Optional.empty(),
                Optional.empty(),
                Map.of());
        return new PoolStatus(pool, List.of(groups), List.of());
    }

    @Test
    void anAutoscaledGroupNeedsItsMinAndAFixedGroupEveryWorker() {
        var scaled = Optional.of(new PoolStatus.Autoscale(2, 8, 500, 1, 0, "2 -> 6: backlog"));
        assertThat(AdminServer.needed(status(group("orders", 6, scaled), group("tasks", 3, Optional.empty())), 0))
                .isEqualTo(2 + 3);
        assertThat(AdminServer.needed(status(group("orders", 6, scaled)), 4))
                .as("http.ready_min")
                .isEqualTo(4);
    }
}
