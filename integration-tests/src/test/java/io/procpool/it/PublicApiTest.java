package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API stays public: nothing outside pool-core imports {@code io.procpool.internal}, and the
 * Javadoc of {@code io.procpool} and {@code io.procpool.spi} names no internal type.
 */
class PublicApiTest {

    private static final Path ROOT = DocumentedConfigsTest.ROOT;

    private static final Pattern INTERNAL_IMPORT =
            Pattern.compile("^import (static )?io\\.procpool\\.internal", Pattern.MULTILINE);

    /**
     * Tests that hold the configuration reference against the loader itself (every default, every
     * refusal, every documented YAML block); they go once the configuration has a public reading.
     */
    private static final Set<String> CONFIGURATION_TESTS =
            Set.of("DocumentedDefaultsTest.java", "DocumentedConfigsTest.java", "RefusedSettingsTest.java");

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(
                            p -> p.toString().endsWith(".java") && !p.toString().contains("/target/"))
                    .toList();
        }
    }

    @Test
    void nothingOutsidePoolCoreImportsItsInternals() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String module : List.of(
                "pool-tcp",
                "pool-redis",
                "pool-kafka",
                "pool-testkit",
                "examples",
                "integration-tests",
                "benchmarks")) {
            for (Path f : javaFiles(ROOT.resolve(module).resolve("src"))) {
                if (INTERNAL_IMPORT.matcher(Files.readString(f)).find()
                        && !CONFIGURATION_TESTS.contains(f.getFileName().toString())) {
                    offenders.add(ROOT.relativize(f).toString());
                }
            }
        }
        assertThat(offenders)
                .as("files outside pool-core that import io.procpool.internal")
                .isEmpty();
    }

    @Test
    void thePublicJavadocNamesNoInternalType() throws IOException {
        Path core = ROOT.resolve("pool-core/src/main/java");
        Set<String> internalTypes = javaFiles(core.resolve("io/procpool/internal")).stream()
                .map(p -> p.getFileName().toString().replace(".java", ""))
                .collect(Collectors.toSet());
        List<Path> publicFiles = new ArrayList<>();
        try (Stream<Path> files = Files.list(core.resolve("io/procpool"))) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(publicFiles::add);
        }
        publicFiles.addAll(javaFiles(core.resolve("io/procpool/spi")));
        Pattern javadoc = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
        Pattern named =
                Pattern.compile("\\{@(?:link|linkplain|code) ([A-Z]\\w*)|@throws ([\\w.]+)|(io\\.procpool\\.internal)");
        List<String> offenders = new ArrayList<>();
        for (Path f : publicFiles) {
            Matcher doc = javadoc.matcher(Files.readString(f));
            while (doc.find()) {
                Matcher m = named.matcher(doc.group(1));
                while (m.find()) {
                    String name = m.group(1) != null
                            ? m.group(1)
                            : m.group(2) != null
                                    ? m.group(2).substring(m.group(2).lastIndexOf('.') + 1)
                                    : m.group(3);
                    if (name.equals("io.procpool.internal") || internalTypes.contains(name)) {
                        offenders.add(ROOT.relativize(f) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(offenders).as("internal types named in the public Javadoc").isEmpty();
    }
}
