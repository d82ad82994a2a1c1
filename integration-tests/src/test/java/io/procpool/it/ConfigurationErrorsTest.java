package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Acceptance 9: `pool start` with a bad configuration exits non-zero naming key and value; and a second start refuses. */
@Timeout(120)
class ConfigurationErrorsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative workers      | workers: -2                                   | workers | "-2"
            unknown key           | wokers: 4                                     | wokers  | unknown key
            duration without unit | max_wait_time: 30                             | max_wait_time | "30"
            bad size              | max_memory: lots                              | max_memory | "lots"
            missing class         | consumer: com.acme.DoesNotExist               | consumer | "com.acme.DoesNotExist"
            not a consumer        | consumer: java.lang.String                    | consumer | io.procpool.Consumer
            bad source            | source: {type: rabbitmq}                      | source.type | "rabbitmq"
            bad tcp mode          | source: {type: tcp, mode: fast}               | source.mode | "fast"
            bad tcp listen        | source: {type: tcp, listen: 'localhost:99999'} | source.listen | "localhost:99999"
            unknown tcp key       | source: {type: tcp, lisen: ':9501'}           | source.lisen | unknown key for source type tcp
            kafka without topics  | source: {type: kafka}                         | source.topics | must name one or more topics
            bad redis mode        | source: {type: redis, mode: pubsub}           | source.mode | "pubsub"
            """)
    void badConfigurationStopsTheStartWithKeyAndValue(String kind, String line, String key, String value)
            throws Exception {
        String yaml =
                (line.startsWith("consumer:") ? "" : "consumer: io.procpool.testkit.consumers.RecordingConsumer\n")
                        + (line.startsWith("workers:") ? "" : "workers: 1\n") + line + "\n";
        Files.writeString(dir.resolve("pool.yaml"), yaml);
        CliResult r = PoolProcess.run(
                PoolProcess.javaCommand("start", "-c", dir.resolve("pool.yaml").toString()), dir);
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("invalid configuration").contains(key).contains(value);
        assertThat(dir.resolve("run/control.sock")).doesNotExist();
    }

    @Test
    void aBadEnvironmentVariableIsNamed() throws Exception {
        Files.writeString(dir.resolve("pool.yaml"), "consumer: io.procpool.testkit.consumers.RecordingConsumer\n");
        ProcessBuilder pb = new ProcessBuilder(PoolProcess.javaCommand(
                        "start", "-c", dir.resolve("pool.yaml").toString()))
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("POOL_WORKERS", "many");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out).contains("workers").contains("\"many\"").contains("environment POOL_WORKERS");
    }

    @Test
    void anUnrelatedPoolVariableIsLoggedNotFatal() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1), java.util.Map.of("POOL_SIZE", "big"))) {
            pool.awaitReady(1, java.time.Duration.ofSeconds(30));
            assertThat(pool.log()).contains("ignoring environment variable POOL_SIZE");
        }
    }

    @Test
    void aSecondStartOnTheSameRunDirectoryRefuses() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            pool.awaitReady(1, java.time.Duration.ofSeconds(30));
            CliResult second = PoolProcess.run(
                    PoolProcess.javaCommand(
                            "start", "-c", dir.resolve("pool.yaml").toString()),
                    dir);
            assertThat(second.exitCode()).as(second.output()).isEqualTo(7);
            assertThat(second.output()).contains("already running").contains(Long.toString(pool.pid()));
            assertThat(pool.status().readyPids()).hasSize(1);
        }
    }

    @Test
    void aRunDirectoryTooDeepForASocketIsNamedWithTheLimit() throws Exception {
        Path deep = dir.resolve("d".repeat(Math.max(1, 100 - dir.toString().length())));
        String yaml = Pools.recording(dir, 1, "run_dir: " + deep);
        Files.writeString(dir.resolve("pool.yaml"), yaml);
        CliResult r = PoolProcess.run(
                PoolProcess.javaCommand("start", "-c", dir.resolve("pool.yaml").toString()), dir);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output())
                .contains("cannot bind socket " + deep.resolve("ipc.sock"))
                .contains("a Unix socket path may have 106 bytes at most (this one has " + (deep + "/ipc.sock").length()
                        + "), so choose a shorter run_dir");
    }

    @Test
    void clientCommandsSayWhenNoPoolRuns() throws Exception {
        CliResult r = PoolProcess.run(
                PoolProcess.javaCommand(
                        "status", "--run-dir", dir.resolve("run").toString()),
                dir);
        assertThat(r.exitCode()).isEqualTo(9);
        assertThat(r.output()).contains("no pool is running");
        assertThat(List.of(r.output().split("\n"))).hasSizeLessThan(3);
    }
}
