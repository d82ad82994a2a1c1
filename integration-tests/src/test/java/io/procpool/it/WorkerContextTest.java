package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a consumer can do through its WorkerContext: push into the built-in queue, read app settings. */
@Timeout(60)
class WorkerContextTest {

    @TempDir
    Path dir;

    @Test
    void aConsumerPushesFollowUpMessagesIntoTheQueue() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2))) {
            pool.awaitReady(2, Duration.ofSeconds(30));
            pool.push(List.of("push:child-1", "push:child-2"));
            pool.awaitStatus(
                    "4 messages processed",
                    s -> {
                        try {
                            return RecordedOutput.processedLines(dir.resolve("records"))
                                            .size()
                                    == 4;
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    Duration.ofSeconds(20));
            assertThat(RecordedOutput.processedLines(dir.resolve("records")))
                    .extracting(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .containsExactlyInAnyOrder("push:child-1", "push:child-2", "child-1", "child-2");
        }
    }

    @Test
    void aConsumerSeesThePoolsConfigurationAndNotTheManagersOwnKeys() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "max_requests: 100", "app.greeting: hi"))) {
            long pid = pool.awaitReady(1, Duration.ofSeconds(30)).readyPids().get(0);
            List<String> keys = java.nio.file.Files.readAllLines(dir.resolve("records/config-" + pid));
            assertThat(keys)
                    .contains(
                            "app.greeting",
                            "app.record_dir",
                            "consumer",
                            "max_requests",
                            "source.type",
                            "workers",
                            "retry.max_tries");
            assertThat(keys).noneMatch(k -> k.startsWith("pool.") || k.startsWith("worker."));
        }
    }
}
