package io.procpool.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PoolProcessTest {

    @Test
    void recognisesAProcessByALongCommandLineAsAWorkersIs() throws Exception {
        String marker = "/tmp/run-dir-" + System.nanoTime();
        String classpath = "lib/x.jar:".repeat(2_000); // a worker's command line is this long and more
        Process p = new ProcessBuilder("sh", "-c", "sleep 30", "worker", classpath, marker + "/ipc.sock").start();
        try {
            assertThat(PoolProcess.commandLineContains(p.pid(), marker)).isTrue();
            assertThat(PoolProcess.commandLineContains(p.pid(), "/tmp/another-run-dir"))
                    .isFalse();
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(PoolProcess.commandLineContains(p.pid(), marker))
                .as("a process that is gone")
                .isFalse();
    }
}
