package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.cli.Version;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's own project, outside this repository: a Maven build that imports procpool-bom, takes pool-core as
 * {@code provided} and Jackson 2.17.2, built with Maven against the artifacts {@code bin/test} installed;
 * then the distribution archive, unpacked into an empty directory, runs that consumer with {@code JAVA_HOME}
 * unset, and 200 JSON messages are each parsed by Jackson 2.17.2.
 */
@Timeout(300)
class ExternalProjectTest {

    @TempDir
    Path dir;

    private static final String POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>com.acme</groupId>
              <artifactId>orders</artifactId>
              <version>1.0</version>
              <properties>
                <maven.compiler.release>21</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <dependencyManagement>
                <dependencies>
                  <dependency>
                    <groupId>io.procpool</groupId>
                    <artifactId>procpool-bom</artifactId>
                    <version>VERSION</version>
                    <type>pom</type>
                    <scope>import</scope>
                  </dependency>
                </dependencies>
              </dependencyManagement>
              <dependencies>
                <dependency>
                  <groupId>io.procpool</groupId>
                  <artifactId>pool-core</artifactId>
                  <scope>provided</scope>
                </dependency>
                <dependency>
                  <groupId>com.fasterxml.jackson.core</groupId>
                  <artifactId>jackson-databind</artifactId>
                  <version>2.17.2</version>
                </dependency>
              </dependencies>
              <build>
                <plugins>
                  <plugin>
                    <artifactId>maven-compiler-plugin</artifactId>
                    <version>3.14.0</version>
                  </plugin>
                  <plugin>
                    <artifactId>maven-resources-plugin</artifactId>
                    <version>3.3.1</version>
                  </plugin>
                  <plugin>
                    <artifactId>maven-jar-plugin</artifactId>
                    <version>3.4.2</version>
                  </plugin>
                  <plugin>
                    <artifactId>maven-surefire-plugin</artifactId>
                    <version>3.5.4</version>
                  </plugin>
                  <plugin>
                    <artifactId>maven-dependency-plugin</artifactId>
                    <version>3.8.1</version>
                    <executions>
                      <execution>
                        <phase>package</phase>
                        <goals><goal>copy-dependencies</goal></goals>
                        <configuration>
                          <includeScope>runtime</includeScope>
                          <outputDirectory>${project.build.directory}/lib</outputDirectory>
                        </configuration>
                      </execution>
                    </executions>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;

    private static final String CONSUMER = """
            package com.acme;

            import com.fasterxml.jackson.databind.ObjectMapper;
            import com.fasterxml.jackson.databind.cfg.PackageVersion;
            import io.procpool.Consumer;
            import io.procpool.Message;
            import io.procpool.WorkerContext;
            import java.nio.file.*;

            public class OrderConsumer implements Consumer {
                private final ObjectMapper json = new ObjectMapper();

                @Override
                public void onMessage(Message m, WorkerContext ctx) throws Exception {
                    int order = json.readTree(m.body()).get("order").asInt();
                    Path dir = Files.createDirectories(Path.of(ctx.config().get("app.record_dir")));
                    Files.writeString(dir.resolve("processed-" + ctx.pid() + ".log"),
                            "0 " + ctx.pid() + " " + m.id() + " 1 0 " + PackageVersion.VERSION + "/" + order + "\\n",
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            """;

    @Test
    void aProjectOutsideTheRepositoryBuildsAgainstTheBomAndRunsFromTheArchiveWithItsOwnJackson() throws Exception {
        MavenProjects.assumeThisBuildIsInstalled();
        String version = Version.current();
        Path project = Files.createDirectories(dir.resolve("orders"));
        Files.writeString(project.resolve("pom.xml"), POM.replace("VERSION", version));
        Path src = Files.createDirectories(project.resolve("src/main/java/com/acme"));
        Files.writeString(src.resolve("OrderConsumer.java"), CONSUMER);
        MavenProjects.mvn(project, "package");
        assertThat(project.resolve("target/lib/jackson-databind-2.17.2.jar")).exists();
        assertThat(project.resolve("target/lib"))
                .as("pool-core is provided: not packaged with the project")
                .isDirectoryNotContaining("glob:**/pool-core-*.jar");

        Path home = DistributionTest.unpack(dir.resolve("opt"));
        Path config = Files.writeString(
                project.resolve("pool.yaml"),
                "consumer: com.acme.OrderConsumer\n"
                        + "classpath: [target/orders-1.0.jar, 'target/lib/*']\n"
                        + "workers: 2\n"
                        + "aot_cache: off\n"
                        + "app.record_dir: " + dir.resolve("records") + "\n");
        List<String> start =
                new ArrayList<>(List.of(home.resolve("bin/pool").toString(), "start", "-c", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(start)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("manager.log").toFile());
        DistributionTest.userEnvironment(pb.environment());
        Process manager = pb.start();
        try {
            List<String> pool = List.of(home.resolve("bin/pool").toString());
            AtomicReference<PoolStatus> last = new AtomicReference<>();
            assertThat(Polls.until("2 ready workers", Duration.ofSeconds(60), () -> {
                        CliResult r = PoolProcess.run(cat(pool, "status", "--json", "-c", config.toString()), project);
                        if (Polls.statusAnswered(r.exitCode())) {
                            last.set(PoolStatus.fromJson(r.output()));
                        }
                        return last.get() != null && last.get().readyCount() == 2;
                    }))
                    .as(() -> "last status " + last.get() + "\n"
                            + DistributionTest.readQuietly(dir.resolve("manager.log")))
                    .isTrue();
            Path messages = Files.write(
                    dir.resolve("orders.txt"),
                    IntStream.range(0, 200)
                            .mapToObj(i -> "{\"order\":" + i + "}")
                            .toList());
            CliResult push =
                    PoolProcess.run(cat(pool, "push", "-c", config.toString(), "--file", messages.toString()), project);
            assertThat(push.exitCode()).as(push.output()).isZero();
            assertThat(RecordedOutput.awaitProcessedBodies(200, Duration.ofSeconds(60), dir.resolve("records")))
                    .as(() -> DistributionTest.readQuietly(dir.resolve("manager.log")))
                    .hasSize(200)
                    .allSatisfy(b2 -> assertThat(b2).startsWith("2.17.2/"));
            CliResult stop = PoolProcess.run(cat(pool, "stop", "-c", config.toString()), project);
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(manager.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            manager.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            manager.destroyForcibly();
        }
    }

    private static List<String> cat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
