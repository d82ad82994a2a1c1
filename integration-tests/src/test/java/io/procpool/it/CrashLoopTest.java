package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.FailingStartConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 7: a consumer that throws in onStart is restarted with growing delays; the pool still answers. */
@Timeout(120)
class CrashLoopTest {

    private static final Pattern RESTART_DELAY =
            Pattern.compile("quick failure\\(s\\) in a row, restarting in (\\d+)(ms|s)");

    @TempDir
    Path dir;

    @Test
    void restartDelaysGrowAndStatusAndStopStillAnswer() throws Exception {
        String yaml = Pools.yaml(
                FailingStartConsumer.class.getName(), 1, dir, "restart_backoff: 200ms", "restart_max_backoff: 5s");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitStatus("three quick failures", s -> delays(pool.log()).size() >= 3, Duration.ofSeconds(40));
            List<Long> delays = delays(pool.log());
            assertThat(delays.subList(0, 3)).containsExactly(200L, 400L, 800L);
            assertThat(pool.log())
                    .contains("consumer onStart threw")
                    .containsPattern("\\[worker-0\\] .*cannot connect to the payment service");

            PoolProcess.CliResult status = pool.cli("status");
            assertThat(status.exitCode())
                    .as("no worker READY: exit code 14; " + status.output())
                    .isEqualTo(14);
            assertThat(pool.cli("status", "--json").exitCode()).isEqualTo(14);
            assertThat(pool.cli("status", "--live").exitCode())
                    .as("the manager answers: alive")
                    .isZero();
            assertThat(status.output()).containsAnyOf("BACKOFF", "STARTING");
            assertThat(status.output()).contains("workers 0/1 ready");

            PoolProcess.CliResult stop = pool.cli("stop");
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(pool.awaitExit(Duration.ofSeconds(15))).isZero();
        }
    }

    private static List<Long> delays(String log) {
        List<Long> delays = new ArrayList<>();
        Matcher m = RESTART_DELAY.matcher(log);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            delays.add(m.group(2).equals("s") ? n * 1000 : n);
        }
        return delays;
    }
}
