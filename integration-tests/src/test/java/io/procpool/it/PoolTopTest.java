package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pool top} in a pseudo-terminal (util-linux {@code script} gives the CLI one): {@code -n 1} prints
 * a frame with every worker's pid and exits; the live view draws on the alternate screen and quits on
 * {@code q}; without a terminal it refuses, pointing at {@code -n}.
 */
@Timeout(150)
class PoolTopTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** {@code script -qfec "<the CLI> top <args>" <typescript>}: the command run in a new pseudo-terminal. */
    private List<String> inTerminal(PoolProcess pool, Path typescript, String... args) {
        List<String> cli = PoolProcess.javaCommand("top");
        cli.addAll(List.of(args));
        cli.add("--run-dir=" + pool.runDir());
        String line = cli.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        return List.of("script", "-qfec", line, typescript.toString());
    }

    @Test
    void oneFrameShowsEveryWorkersPidAndTheLiveViewQuitsOnQ() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 3))) {
            pool.awaitReady(3, WAIT);
            List<Long> pids = pool.status().readyPids();

            Path once = dir.resolve("once.typescript");
            CliResult frame = PoolProcess.run(inTerminal(pool, once, "-n", "1"), dir);
            assertThat(frame.exitCode()).as(frame.output()).isZero();
            assertThat(frame.output())
                    .contains("GROUP", "SLOT", "PID", "MSG AGE", "RATE/s", "RSS", "workers 3/3 ready");
            for (long pid : pids) {
                assertThat(frame.output())
                        .as("worker pid %d", pid)
                        .containsPattern("default +\\d+ +" + pid + " +READY");
            }

            Path live = dir.resolve("live.typescript");
            Process top = new ProcessBuilder(inTerminal(pool, live))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("live.out").toFile())
                    .start();
            try (OutputStream keys = top.getOutputStream()) {
                boolean drew = Polls.until(
                        "the live view drew its first frame",
                        WAIT,
                        () -> Files.exists(live)
                                && Files.readString(live, StandardCharsets.ISO_8859_1)
                                        .contains("RATE/s"));
                assertThat(drew)
                        .as("a first frame; it drew: %s", Files.exists(live) ? Files.readString(live) : "nothing")
                        .isTrue();
                assertThat(top.isAlive())
                        .as("it keeps redrawing until told to quit")
                        .isTrue();
                keys.write('q');
                keys.flush();
                assertThat(top.waitFor(20, TimeUnit.SECONDS)).as("q quits").isTrue();
            } finally {
                top.destroyForcibly();
            }
            assertThat(top.exitValue()).isZero();
            String drawn = Files.readString(live, StandardCharsets.ISO_8859_1);
            assertThat(drawn).as("the alternate screen, entered and left").contains("\u001b[?1049h", "\u001b[?1049l");
            for (long pid : pids) {
                assertThat(drawn).contains(Long.toString(pid));
            }
            assertThat(drawn).contains("q quits");

            CliResult noTerminal = pool.cli("top");
            assertThat(noTerminal.exitCode()).as(noTerminal.output()).isEqualTo(2);
            assertThat(noTerminal.output()).contains("needs a terminal", "-n N");
            assertThat(pool.cli("top", "-n", "0").exitCode()).isEqualTo(2);
            CliResult twoFrames = pool.cli("top", "-n", "2");
            assertThat(twoFrames.exitCode()).as(twoFrames.output()).isZero();
            assertThat(twoFrames.output().split("RATE/s", -1)).as("two frames").hasSize(3);
        }
    }
}
