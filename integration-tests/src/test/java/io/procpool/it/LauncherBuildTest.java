package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.cli.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/pool} in a source tree builds procpool on first use and again when a source or a POM is newer
 * than the last build, and not otherwise. Run in a copy of the launcher inside a tree of its own, whose
 * {@code mvn} is a stub that counts the builds and, like Maven for a module that did not change, leaves
 * jars that are there as they were.
 */
@Timeout(120)
class LauncherBuildTest {

    @TempDir
    Path tree;

    private Path builds;
    private Path stubs;

    @BeforeEach
    void aSourceTreeWithAStubMaven() throws Exception {
        Files.createDirectories(tree.resolve("bin"));
        for (String script : List.of("bin/pool", "bin/find-java.sh")) {
            Files.copy(
                    DocumentedConfigsTest.ROOT.resolve(script),
                    tree.resolve(script),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(tree.resolve("pool-core/src/main/java"));
        Files.writeString(tree.resolve("pool-core/pom.xml"), "<project/>\n");
        Files.writeString(tree.resolve("pool-core/src/main/java/A.java"), "class A {}\n");
        Files.createDirectories(tree.resolve("examples/src/main"));
        builds = tree.resolve("builds.log");
        stubs = Files.createDirectories(tree.resolve("stub-bin"));
        // The real jars, copied with their times, only when absent: what Maven does for unchanged modules.
        Path mvn = Files.writeString(
                stubs.resolve("mvn"),
                "#!/bin/sh\n"
                        + "echo \"$*\" >> " + builds + "\n"
                        + "mkdir -p examples/target/lib\n"
                        + "[ -e examples/target/lib/pool-core-" + Version.current() + ".jar ] || cp -p "
                        + DocumentedConfigsTest.ROOT.resolve("examples/target/lib") + "/*.jar examples/target/lib/\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int exitCode, String output) {}

    private Run pool(boolean withMaven) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(tree.resolve("bin/pool").toString(), "--version")
                .directory(tree.toFile())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment()
                .put(
                        "PATH",
                        withMaven
                                ? stubs + ":/usr/bin:/bin"
                                : toolsWithoutMaven().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** A PATH directory with what the launcher runs, and no {@code mvn} (this machine has one in /usr/bin). */
    private Path toolsWithoutMaven() throws Exception {
        Path tools = tree.resolve("tools-bin");
        if (Files.exists(tools)) {
            return tools;
        }
        Files.createDirectories(tools);
        for (String tool : List.of(
                "bash", "sh", "env", "find", "ls", "head", "sed", "cut", "dirname", "readlink", "touch", "sort")) {
            Path found = Stream.of("/usr/bin", "/bin")
                    .map(d -> Path.of(d, tool))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " not in /usr/bin or /bin"));
            Files.createSymbolicLink(tools.resolve(tool), found);
        }
        return tools;
    }

    private long builds() throws Exception {
        if (!Files.exists(builds)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(builds)) {
            return lines.count();
        }
    }

    /** Makes {@code file} newer than anything the launcher wrote so far. */
    private void edit(String file) throws Exception {
        Path stamp = tree.resolve("examples/target/.pool-built");
        Instant after = Files.exists(stamp)
                ? Files.getLastModifiedTime(stamp).toInstant().plusMillis(10)
                : Instant.now();
        Instant now = Instant.now();
        Files.setLastModifiedTime(tree.resolve(file), FileTime.from(now.isAfter(after) ? now : after));
    }

    @Test
    void buildsOnFirstUseAndWhenASourceOrAPomChangesAndOnlyThen() throws Exception {
        Run first = pool(true);
        assertThat(first.output()).contains("building procpool").contains("procpool " + Version.current());
        assertThat(builds()).isEqualTo(1);

        Run second = pool(true);
        assertThat(second.output()).doesNotContain("building").contains("procpool " + Version.current());
        assertThat(builds()).as("nothing changed: no build").isEqualTo(1);

        edit("pool-core/pom.xml"); // a module whose jar the stub, like Maven, does not rewrite
        assertThat(pool(true).output()).contains("pool-core/pom.xml changed: building procpool");
        assertThat(builds()).isEqualTo(2);
        Run afterPom = pool(true);
        assertThat(afterPom.output())
                .as("built since the POM changed, though the jar is older than it")
                .doesNotContain("building");
        assertThat(builds()).isEqualTo(2);

        edit("pool-core/src/main/java/A.java");
        assertThat(pool(true).output()).contains("A.java changed: building procpool");
        assertThat(builds()).isEqualTo(3);
    }

    @Test
    void withoutMavenAStaleTreeIsRefusedNamingWhatChanged() throws Exception {
        pool(true);
        edit("pool-core/src/main/java/A.java");
        Run refused = pool(false);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.output()).contains("A.java is newer than the built jars; building procpool needs Maven");
        assertThat(builds()).isEqualTo(1);
    }
}
