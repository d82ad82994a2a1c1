package io.procpool.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pool init DIR}: writes a small Maven project there, a consumer, a JUnit test that runs it in a
 * real pool with the testkit, and the {@code pool.yaml} that runs it, from the templates under
 * {@code io/procpool/cli/init}. It never writes into a directory that has files. The CLI's thread.
 */
@Command(
        name = "init",
        description = "Write a Maven project with a consumer, its test and its pool.yaml into a new directory.")
final class InitCommand implements Callable<Integer> {

    private static final Pattern ARTIFACT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The project's directory: new, or empty. Its name is the artifactId.")
    Path dir;

    @Option(
            names = "--consumer",
            paramLabel = "CLASS",
            description = "The consumer's fully qualified class name (default: com.example.<Dir>Consumer).")
    String consumer;

    @Override
    public Integer call() throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        String artifact =
                target.getFileName() == null ? "" : target.getFileName().toString();
        if (!ARTIFACT.matcher(artifact).matches()) {
            throw refused("the directory's name '" + artifact + "' is not a Maven artifactId: letters, digits, . _ -");
        }
        String className = consumer != null ? consumer : "com.example." + classFor(artifact) + "Consumer";
        int dot = className.lastIndexOf('.');
        if (!SourceVersion.isName(className) || dot < 0) {
            throw refused(
                    "--consumer '" + className + "' is not a class name in a package, e.g. com.acme.OrderConsumer");
        }
        if (Files.isDirectory(target)) {
            try (var entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw refused(target + " has files already; pool init writes only into a new or empty directory");
                }
            }
        } else if (Files.exists(target)) {
            throw refused(target + " is a file, not a directory");
        }
        String pkg = className.substring(0, dot);
        String simple = className.substring(dot + 1);
        Map<String, String> values = Map.of(
                "package", pkg,
                "class", simple,
                "artifact", artifact,
                "version", Version.current(),
                "junit", Version.property("junit.version"));
        String pkgPath = pkg.replace('.', '/');
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml.txt");
        files.put("pool.yaml", "pool.yaml.txt");
        files.put("src/main/java/" + pkgPath + "/" + simple + ".java", "Consumer.java.txt");
        files.put("src/test/java/" + pkgPath + "/" + simple + "Test.java", "ConsumerTest.java.txt");
        files.put(".gitignore", "gitignore.txt");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = target.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, fill(template(f.getValue()), values));
        }
        var out = spec.commandLine().getOut();
        out.println("created " + dir + ": " + className + ", its test and pool.yaml (a pool of 2 workers on the "
                + "built-in queue)");
        out.println("next: cd " + dir + " && mvn verify && pool start   (mvn verify builds it and runs its test)");
        return 0;
    }

    private ParameterException refused(String why) {
        return new ParameterException(spec.commandLine(), why);
    }

    /** {@code order-events} → {@code OrderEvents}. */
    static String classFor(String artifact) {
        StringBuilder b = new StringBuilder();
        boolean upper = true;
        for (int i = 0; i < artifact.length(); i++) {
            char c = artifact.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                upper = true;
            } else if (!b.isEmpty() || Character.isLetter(c)) { // a class name starts with a letter
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.isEmpty() ? "My" : b.toString();
    }

    /** Replaces each {@code {{key}}}; a key the template names but {@code values} lacks is a bug here. */
    static String fill(String template, Map<String, String> values) {
        String text = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            text = text.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        if (text.contains("{{")) {
            throw new IllegalStateException("a template key without a value: " + text);
        }
        return text;
    }

    private static String template(String name) {
        try (InputStream in = InitCommand.class.getResourceAsStream("init/" + name)) {
            if (in == null) {
                throw new IllegalStateException("io/procpool/cli/init/" + name + " is missing from pool-core");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
