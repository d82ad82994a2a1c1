package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.QueueClient;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import io.procpool.testkit.RecordedOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pool whose source is not the built-in queue has no queue: {@code pool push}, {@code pool queue},
 * {@link QueueClient} and {@code ctx.push} are refused with a message that says so, and nothing is
 * kept in a queue that no worker consumes.
 */
@Timeout(120)
class PushWithoutQueueTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "tcp {0} mode")
    @ValueSource(strings = {"process", "base"})
    void pushesIntoAPoolWithAnotherSourceAreRefused(String mode) throws Exception {
        int port = FrameClient.freePort();
        String yaml = Pools.recording(
                dir,
                1,
                "retry.max_tries: 1",
                "source: {type: tcp, listen: '127.0.0.1:" + port + "', mode: " + mode + "}");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(1, Duration.ofSeconds(60));
            CliResult push = pool.cli("push", "hello");
            assertThat(push.exitCode()).as(push.output()).isNotZero();
            assertThat(push.output()).contains("this pool's source is tcp, not the built-in queue");
            CliResult stats = pool.cli("queue", "stats");
            assertThat(stats.exitCode()).as(stats.output()).isNotZero();
            assertThat(stats.output()).contains("not the built-in queue");
            assertThat(pool.runDir().resolve("queue.sock")).doesNotExist();
            assertThatThrownBy(() -> QueueClient.connect(pool.runDir())).isInstanceOf(IOException.class);

            try (FrameClient client = new FrameClient(port, 10_000)) {
                client.send("push:child");
                assertThat(client.read())
                        .startsWith("procpool-error: ")
                        .contains("ctx.push needs the built-in queue, but this pool's source is tcp");
            }
            assertThat(RecordedOutput.processedLines(dir.resolve("records")))
                    .as("nothing was delivered")
                    .isEmpty();
            assertThat(pool.status().pool().queue()).isEmpty();
        }
    }
}
