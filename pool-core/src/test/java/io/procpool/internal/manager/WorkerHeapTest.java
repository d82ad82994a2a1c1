package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerHeapTest {

    @Test
    void workersShareHalfTheMemoryAndNoneTakesMoreThanAJvmWould() {
        assertThat(WorkerHeap.flags(List.of("-XX:+UseSerialGC"), 4))
                .containsExactly("-XX:MaxRAMPercentage=12.5", "-XX:MinRAMPercentage=12.5");
        assertThat(WorkerHeap.percent(1)).isEqualTo("25.0");
        assertThat(WorkerHeap.percent(2)).isEqualTo("25.0");
        assertThat(WorkerHeap.percent(3)).isEqualTo("16.67");
        assertThat(WorkerHeap.percent(8)).isEqualTo("6.25");
        assertThat(WorkerHeap.percent(200)).isEqualTo("0.25");
        assertThat(WorkerHeap.percent(0)).as("no workers yet: as one").isEqualTo("25.0");
    }

    @Test
    void aHeapTheUserChoseIsLeftAlone() {
        for (String chosen : List.of(
                "-Xmx256m",
                "-XX:MaxHeapSize=1g",
                "-XX:MaxRAMPercentage=40",
                "-XX:MinRAMPercentage=40",
                "-XX:MaxRAM=2g",
                "-XX:MaxRAMFraction=4")) {
            assertThat(WorkerHeap.flags(List.of("-Xss512k", chosen), 4))
                    .as(chosen)
                    .isEmpty();
        }
    }
}
