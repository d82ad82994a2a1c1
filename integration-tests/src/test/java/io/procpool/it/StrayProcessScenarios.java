package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolRunner;
import io.procpool.testkit.RedisFixture;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests that go wrong on purpose, run by {@link NoStrayProcessTest} through the JUnit engine (the
 * name keeps Surefire from running them itself): each starts a real pool, writes its pids to
 * {@code procpool.stray.pids}, and then fails or times out.
 */
class StrayProcessScenarios {

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @RegisterExtension
    PoolRunner pool = PoolRunner.of(RecordingConsumer.class).workers(2);

    private void startAndRecordPids() throws Exception {
        pool.set("app.record_dir", Files.createTempDirectory("stray").toString())
                .start();
        StringBuilder pids = new StringBuilder();
        pids.append(((Number) pool.status().pool().pid()).longValue()).append('\n');
        pool.status().readyPids().forEach(p -> pids.append(p).append('\n'));
        Files.writeString(
                Path.of(System.getProperty("procpool.stray.pids")),
                pids,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Test
    void failsWithAPoolRunning() throws Exception {
        startAndRecordPids();
        assertThat(redis.url()).isEqualTo("this assertion fails on purpose");
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void timesOutWithAPoolRunning() throws Exception {
        startAndRecordPids();
        Thread.sleep(60_000);
    }
}
