package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procpool.cli.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds a user's Maven project outside the reactor against the procpool artifacts this build installed in
 * {@code ~/.m2} (what {@code bin/test} does with {@code mvn install}). Test threads.
 */
final class MavenProjects {

    private MavenProjects() {}

    /** Skips the test, saying why, when {@code ~/.m2} holds no pool-core of this very build. */
    static void assumeThisBuildIsInstalled() throws Exception {
        String version = Version.current();
        Path installed = Path.of(System.getProperty("user.home"), ".m2/repository/io/procpool/pool-core", version)
                .resolve("pool-core-" + version + ".jar");
        Path built = DocumentedConfigsTest.ROOT.resolve("pool-core/target/pool-core-" + version + ".jar");
        assumeTrue(
                Files.exists(installed) && Files.mismatch(installed, built) == -1L,
                "pool-core " + version + " of this build is not installed in ~/.m2: run bin/test (mvn install)");
    }

    /** Runs {@code mvn -B -q <goals>} in {@code project} with this JDK; fails with Maven's output unless it passes. */
    static String mvn(Path project, String... goals) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q"));
        cmd.addAll(List.of(goals));
        ProcessBuilder build =
                new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true);
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process b = build.start();
        String output = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(b.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertThat(b.exitValue()).as(output).isZero();
        return output;
    }
}
