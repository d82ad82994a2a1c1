package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's five-minute tour, word by word, in an empty directory with the unpacked archive's {@code bin/}
 * on the PATH: every {@code $} command of its shell blocks runs in order (a {@code cd} moves the ones after
 * it), each must succeed and print the lines shown under it ({@code …} stands for anything, numbers may
 * differ; a {@code pool status} or {@code grep} is run again, for a while, until it does, as a reader would),
 * and the consumer and pool.yaml it shows are the files {@code pool init} wrote.
 */
@Timeout(300)
class TourTest {

    private static final Pattern SECTION = Pattern.compile("(?s)\n## Five-minute tour\n(.*?)\n## ");
    private static final Pattern BLOCK = Pattern.compile("(?s)```(sh|java|yaml)\n(.*?)```");
    private static final Duration RETRY = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** One {@code $} line of a shell block and the output lines shown under it. */
    record Step(String command, List<String> shown) {}

    static String tour() throws Exception {
        Matcher m = SECTION.matcher(Files.readString(DocumentedConfigsTest.ROOT.resolve("README.md")));
        assertThat(m.find()).as("a '## Five-minute tour' section in the README").isTrue();
        return m.group(1);
    }

    static List<Step> steps(String tour) {
        List<Step> steps = new ArrayList<>();
        Matcher b = BLOCK.matcher(tour);
        while (b.find()) {
            if (!b.group(1).equals("sh")) {
                continue;
            }
            for (String line : b.group(2).split("\n")) {
                if (line.startsWith("$ ")) {
                    steps.add(new Step(line.substring(2), new ArrayList<>()));
                } else if (!line.isBlank()) {
                    assertThat(steps).as("output before any command: " + line).isNotEmpty();
                    steps.getLast().shown().add(line);
                }
            }
        }
        return steps;
    }

    /** A shown line as a pattern: {@code …} is anything, a number any number, a run of spaces any spaces. */
    static Pattern shape(String shown) {
        StringBuilder regex = new StringBuilder();
        Matcher t = Pattern.compile("…|\\d+|\\s+|[^\\d\\s…]+").matcher(shown.strip());
        while (t.find()) {
            String token = t.group();
            if (token.equals("…")) {
                regex.append(".*");
            } else if (Character.isDigit(token.charAt(0))) {
                regex.append("\\d+");
            } else if (token.isBlank()) {
                regex.append("\\s+");
            } else {
                regex.append(Pattern.quote(token));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Whether every shown line (in order) matches a line of {@code output}. */
    static boolean printed(List<String> shown, String output) {
        List<String> lines = output.lines().map(String::strip).toList();
        int at = 0;
        for (String s : shown) {
            if (s.strip().equals("…")) {
                continue;
            }
            Pattern p = shape(s);
            while (at < lines.size() && !p.matcher(lines.get(at)).matches()) {
                at++;
            }
            if (at == lines.size()) {
                return false;
            }
            at++;
        }
        return true;
    }

    private record Ran(int exitCode, String output) {}

    private Ran sh(String command, Path cwd, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(cwd.toFile());
        pb.environment().put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // for Maven, as the tour asks
        pb.environment().remove("POOL_CONFIG");
        Path out = Files.createTempFile(dir, "step", ".out");
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("`" + command + "` did not return: " + Files.readString(out));
        }
        return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void theTourWorksWordByWordInAnEmptyDirectory() throws Exception {
        MavenProjects.assumeThisBuildIsInstalled();
        Path bin = DistributionTest.unpack(dir.resolve("opt")).resolve("bin");
        Path cwd = Files.createDirectories(dir.resolve("work"));
        String tour = tour();
        List<Step> steps = steps(tour);
        assertThat(steps).as("commands in the tour").hasSizeGreaterThan(10);
        long manager = -1;
        try {
            for (Step step : steps) {
                if (step.command().startsWith("cd ")) {
                    cwd = cwd.resolve(step.command().substring(3).strip()).normalize();
                    assertThat(cwd).isDirectory();
                    continue;
                }
                boolean rereads = step.command().startsWith("pool status")
                        || step.command().startsWith("grep ");
                long deadline = System.nanoTime() + RETRY.toNanos();
                Ran ran = sh(step.command(), cwd, bin);
                while (rereads
                        && !(ran.exitCode() == 0 && printed(step.shown(), ran.output()))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                    ran = sh(step.command(), cwd, bin);
                }
                assertThat(ran.exitCode())
                        .as("`%s` printed:%n%s", step.command(), ran.output())
                        .isZero();
                assertThat(printed(step.shown(), ran.output()))
                        .as("`%s` prints %s; it printed:%n%s", step.command(), step.shown(), ran.output())
                        .isTrue();
                if (step.command().startsWith("pool start")) {
                    manager = Long.parseLong(
                            Files.readString(cwd.resolve("run/pool.pid")).trim());
                }
                if (step.command().startsWith("pool init")) {
                    assertShownFilesAreWritten(tour, cwd.resolve("orders"));
                }
            }
            assertThat(manager).as("the tour started a pool").isPositive();
            assertThat(ProcessHandle.of(manager).map(ProcessHandle::isAlive).orElse(false))
                    .as("the tour's pool stop ended it")
                    .isFalse();
        } finally {
            Pools.killDaemon(manager);
        }
    }

    private static void assertShownFilesAreWritten(String tour, Path project) throws Exception {
        Matcher b = BLOCK.matcher(tour);
        List<String> java = new ArrayList<>();
        List<String> yaml = new ArrayList<>();
        while (b.find()) {
            (b.group(1).equals("java") ? java : b.group(1).equals("yaml") ? yaml : new ArrayList<String>())
                    .add(b.group(2));
        }
        assertThat(java).as("the consumer shown").hasSize(1);
        assertThat(yaml).as("the pool.yaml shown").hasSize(1);
        assertThat(project.resolve("src/main/java/com/acme/OrderConsumer.java")).hasContent(java.getFirst());
        assertThat(project.resolve("pool.yaml")).hasContent(yaml.getFirst());
    }

    @Test
    void aShownLineMatchesWhatVariesAndNothingElse() {
        assertThat(printed(
                        List.of("pool started: manager pid 7769, log …/run/pool.log"),
                        "pool started: manager pid 31, log /tmp/x/run/pool.log\n"))
                .isTrue();
        assertThat(printed(List.of("workers 2/2 ready  processed 1003"), "workers 2/2 ready processed 7\n"))
                .isTrue();
        assertThat(printed(List.of("pushed 3 message(s) to queue default"), "pushed 3 message(s) to queue other\n"))
                .isFalse();
        assertThat(printed(List.of("a", "b"), "b\na\n")).as("in order").isFalse();
    }
}
