package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installable archive, as a user gets it: {@code procpool-VERSION.tar.gz} (built by procpool-dist before
 * these tests) unpacked into an empty directory runs its own {@code bin/pool} with {@code JAVA_HOME} unset,
 * without the source tree or Maven: the demo pool processes what is pushed and stops gracefully.
 */
@Timeout(180)
class DistributionTest {

    @TempDir
    Path dir;

    private Path home;

    private CliResult pool(String... args) throws IOException, InterruptedException {
        return PoolProcess.run(command(args), home);
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/pool").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The environment of a user's shell that has no JAVA_HOME: bin/pool must find a JDK >= 21 itself. */
    static void userEnvironment(Map<String, String> env) {
        env.remove("JAVA_HOME");
        env.remove("POOL_JAVA_HOME");
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    }

    private void unpack() throws Exception {
        home = unpack(dir);
    }

    /** Unpacks the archive procpool-dist built into {@code into} (created); returns the procpool-VERSION directory. */
    static Path unpack(Path into) throws Exception {
        String version = io.procpool.cli.Version.current();
        Path archive = DocumentedConfigsTest.ROOT.resolve("procpool-dist/target/procpool-" + version + ".tar.gz");
        assertThat(archive).as("the archive procpool-dist builds").exists();
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", into.toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        Path home = into.resolve("procpool-" + version);
        assertThat(home.resolve("lib")).isDirectory();
        assertThat(home.resolve("contrib/systemd/procpool@.service")).exists();
        assertThat(home.resolve("contrib/docker/Dockerfile")).exists();
        assertThat(home.resolve("LICENSE")).exists();
        assertThat(home.resolve("docs/configuration.md")).exists();
        assertThat(home.resolve("docs/operations.md")).exists();
        assertThat(home.resolve("bin/pool")).isExecutable();
        return home;
    }

    @Test
    void theUnpackedArchiveRunsTheDemoPoolOnItsOwn() throws Exception {
        unpack();
        ProcessBuilder version = new ProcessBuilder(command("--version")).redirectErrorStream(true);
        userEnvironment(version.environment());
        Process v = version.start();
        String printed = new String(v.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(v.waitFor()).as(printed).isZero();
        assertThat(printed.trim()).startsWith("procpool " + io.procpool.cli.Version.current() + " (Java ");

        Path config = home.resolve("examples/demo/pool.yaml");
        Path log = dir.resolve("manager.log");
        Process manager = startManager(config, log, "--workers", "2");
        try {
            awaitStatus(config, manager, log, "2 ready workers", s -> s.readyCount() == 2);
            Path messages = Files.write(
                    dir.resolve("messages.txt"),
                    IntStream.range(0, 200)
                            .mapToObj(i -> "{\"order\":" + i + "}")
                            .toList());
            CliResult push = pool("push", "-c", config.toString(), "--file", messages.toString());
            assertThat(push.exitCode()).as(push.output()).isZero();
            awaitStatus(config, manager, log, "200 acked", s -> s.queue().acked() == 200);
            CliResult stop = pool("stop", "-c", config.toString());
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(manager.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(manager.exitValue()).isZero();
            assertThat(Files.readString(log))
                    .doesNotContain("building procpool")
                    .contains("hello, {\"order\":199}");
        } finally {
            manager.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            manager.destroyForcibly();
        }
    }

    @Test
    void theUnpackedArchivesTcpEchoPoolAnswersAFrame() throws Exception {
        unpack();
        int port = FrameClient.freePort();
        Path config = home.resolve("examples/tcp-echo/pool.yaml");
        Path log = dir.resolve("manager.log");
        Process manager = startManager(config, log, "--set", "source.listen=127.0.0.1:" + port);
        try {
            awaitStatus(config, manager, log, "2 ready workers", st -> st.readyCount() == 2);
            try (FrameClient c = new FrameClient(port, 30_000)) {
                c.send("echo from the archive");
                assertThat(c.read()).isEqualTo("echo from the archive");
            }
        } finally {
            manager.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            manager.destroyForcibly();
        }
    }

    /** {@code bin/pool start -c config} of the unpacked archive, in the user's environment, its output in {@code log}. */
    private Process startManager(Path config, Path log, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("start", "-c", config.toString(), "--set", "aot_cache=off"));
        args.addAll(List.of(more));
        ProcessBuilder start = new ProcessBuilder(command(args.toArray(String[]::new)))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        userEnvironment(start.environment());
        return start.start();
    }

    private void awaitStatus(
            Path config, Process manager, Path log, String what, java.util.function.Predicate<PoolStatus> condition)
            throws Exception {
        AtomicReference<PoolStatus> last = new AtomicReference<>();
        boolean held = Polls.until(what, Duration.ofSeconds(60), () -> {
            if (!manager.isAlive()) {
                throw new AssertionError("the manager exited: " + Files.readString(log));
            }
            CliResult r = pool("status", "--json", "-c", config.toString());
            if (!Polls.statusAnswered(r.exitCode())) {
                return false;
            }
            last.set(PoolStatus.fromJson(r.output()));
            return condition.test(last.get());
        });
        assertThat(held)
                .as(() -> what + "; last status " + last.get() + "\n" + readQuietly(log))
                .isTrue();
    }

    static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
