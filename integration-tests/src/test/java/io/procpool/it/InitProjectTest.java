package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pool init}, run from the unpacked distribution with {@code JAVA_HOME} unset: its project builds with
 * {@code mvn verify} against the installed artifacts, its own test (the testkit, a real pool) passes, and
 * {@code pool start} in it runs its consumer on the messages {@code pool push} gives it.
 */
@Timeout(300)
class InitProjectTest {

    @TempDir
    Path dir;

    private Path home;

    private CliResult pool(Path where, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/pool").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        DistributionTest.userEnvironment(pb.environment());
        Path out = Files.createTempFile(dir, "cli", ".out");
        Process p = pb.directory(where.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pool " + String.join(" ", args) + " did not return: " + Files.readString(out));
        }
        return new CliResult(p.exitValue(), Files.readString(out));
    }

    @Test
    void itsProjectBuildsPassesItsTestAndRunsWithPoolStart() throws Exception {
        MavenProjects.assumeThisBuildIsInstalled();
        home = DistributionTest.unpack(dir.resolve("opt"));
        // deep, as projects are: the testkit's pools under target/ must still bind their sockets
        Path work = Files.createDirectories(dir.resolve("work/a-team-with-a-rather-long-directory-name"));

        CliResult init = pool(work, "init", "orders", "--consumer", "com.acme.OrderConsumer");
        assertThat(init.exitCode()).as(init.output()).isZero();
        Path project = work.resolve("orders");

        MavenProjects.mvn(project, "verify");
        assertThat(project.resolve("target/surefire-reports/TEST-com.acme.OrderConsumerTest.xml"))
                .content()
                .contains("tests=\"1\"")
                .contains("failures=\"0\"")
                .contains("errors=\"0\"")
                .contains("skipped=\"0\"");

        long manager = -1;
        try {
            CliResult start = pool(project, "start", "--daemon"); // ./pool.yaml
            assertThat(start.exitCode()).as(start.output()).isZero();
            assertThat(start.output()).contains("2 worker(s) ready");
            manager = Long.parseLong(
                    Files.readString(project.resolve("run/pool.pid")).trim());
            CliResult push = pool(project, "push", "first", "second", "third");
            assertThat(push.output()).contains("pushed 3 message(s)");
            AtomicReference<PoolStatus> last = new AtomicReference<>();
            assertThat(Polls.until("3 processed", Duration.ofSeconds(60), () -> {
                        CliResult s = pool(project, "status", "--json");
                        if (Polls.statusAnswered(s.exitCode())) {
                            last.set(PoolStatus.fromJson(s.output()));
                        }
                        return last.get() != null && last.get().pool().processed() == 3;
                    }))
                    .as(() -> "last status " + last.get())
                    .isTrue();
            assertThat(Files.readString(project.resolve("run/pool.log")))
                    .containsPattern("\\[worker-\\d] .* INFO got second \\(attempt 1\\)");
            CliResult stop = pool(project, "stop");
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(PoolProcess.isRunning(manager)).isFalse();
        } finally {
            Pools.killDaemon(manager);
        }
    }
}
