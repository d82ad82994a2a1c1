package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code pool init} writes and what it refuses; that its project builds, passes its test and runs is
 * {@code InitProjectTest}'s (integration-tests).
 */
class InitCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out) {}

    private static Run init(String... args) {
        CommandLine cli = PoolCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        String[] all = new String[args.length + 1];
        all[0] = "init";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cli.execute(all), out.toString());
    }

    @Test
    void writesTheConsumerItsTestThePomAndPoolYamlWithThisVersion() throws Exception {
        Path project = dir.resolve("orders");
        Run r = init(project.toString(), "--consumer", "com.acme.OrderConsumer");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("com.acme.OrderConsumer").contains("mvn verify");
        assertThat(Files.readString(project.resolve("src/main/java/com/acme/OrderConsumer.java")))
                .contains("package com.acme;")
                .contains("public class OrderConsumer implements Consumer");
        assertThat(Files.readString(project.resolve("src/test/java/com/acme/OrderConsumerTest.java")))
                .contains("class OrderConsumerTest")
                .contains("PoolRunner.of(OrderConsumer.class)");
        assertThat(Files.readString(project.resolve("pom.xml")))
                .contains("<groupId>com.acme</groupId>")
                .contains("<artifactId>orders</artifactId>")
                .contains("<procpool.version>" + Version.current() + "</procpool.version>")
                .contains("<version>" + Version.property("junit.version") + "</version>")
                .doesNotContain("{{");
        assertThat(Files.readString(project.resolve("pool.yaml"))).contains("consumer: com.acme.OrderConsumer");
        assertThat(project.resolve(".gitignore")).exists();
    }

    @Test
    void theDefaultConsumerIsNamedAfterTheDirectory() throws Exception {
        Run r = init(dir.resolve("order-events").toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(dir.resolve("order-events/src/main/java/com/example/OrderEventsConsumer.java"))
                .exists();
        assertThat(InitCommand.classFor("2fast_jobs")).isEqualTo("FastJobs");
        assertThat(InitCommand.classFor("--")).isEqualTo("My");
    }

    @Test
    void aDirectoryWithFilesIsRefusedAndKeptAsItWas() throws Exception {
        Path project = Files.createDirectories(dir.resolve("orders"));
        Files.writeString(project.resolve("pom.xml"), "mine");
        Run r = init(project.toString());
        assertThat(r.code()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.out()).contains(project + " has files already");
        assertThat(Files.readString(project.resolve("pom.xml"))).isEqualTo("mine");
        try (var files = Files.list(project)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void aClassNameOutsideAPackageOrNotJavaIsRefusedNamingIt() {
        for (String bad : new String[] {"OrderConsumer", "com.acme.class", "com.acme.9Orders", "com..Orders"}) {
            Run r = init(dir.resolve("orders").toString(), "--consumer", bad);
            assertThat(r.code()).as(bad).isEqualTo(CommandLine.ExitCode.USAGE);
            assertThat(r.out()).contains("--consumer '" + bad + "' is not a class name in a package");
        }
        assertThat(dir.resolve("orders")).doesNotExist();
    }

    @Test
    void aTemplateKeyWithoutAValueIsABugNotAFile() {
        assertThat(InitCommand.fill("a {{x}} b", Map.of("x", "1"))).isEqualTo("a 1 b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InitCommand.fill("{{y}}", Map.of("x", "1")))
                .isInstanceOf(IllegalStateException.class);
    }
}
