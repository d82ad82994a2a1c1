package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ARCHITECTURE.md and CONTRIBUTING.md stay current with the code: every class they name in backticks
 * ({@code `QueueEngine`}) is a source file of this repository, and every method they name
 * ({@code `QueueEngine.settle`}) is declared in it.
 */
class ArchitectureDocTest {

    private static final Pattern NAMED = Pattern.compile("`([A-Z][A-Za-z0-9]+)(?:\\.([a-z][A-Za-z0-9]*))?`");

    @ParameterizedTest
    @ValueSource(strings = {"ARCHITECTURE.md", "CONTRIBUTING.md"})
    void everyClassAndMethodItNamesExists(String doc) throws IOException {
        String text = Files.readString(DocumentedConfigsTest.ROOT.resolve(doc));
        Map<String, Path> sources = sources();
        List<String> missing = new ArrayList<>();
        Matcher m = NAMED.matcher(text);
        int named = 0;
        while (m.find()) {
            named++;
            Path file = sources.get(m.group(1));
            if (file == null) {
                missing.add(m.group());
            } else if (m.group(2) != null
                    && !Pattern.compile("\\b" + m.group(2) + "\\(")
                            .matcher(Files.readString(file))
                            .find()) {
                missing.add(m.group() + " (no such method in " + DocumentedConfigsTest.ROOT.relativize(file) + ")");
            }
        }
        assertThat(named).as("classes named in " + doc).isGreaterThan(5);
        assertThat(missing)
                .as("names in " + doc + " with no class or method of that name")
                .isEmpty();
    }

    /** Every Java source file of the repository by simple class name. */
    private static Map<String, Path> sources() throws IOException {
        Map<String, Path> byName = new HashMap<>();
        SourceTree.files(p -> p.toString().endsWith(".java") && p.toString().contains("/src/"))
                .forEach(p -> byName.putIfAbsent(p.getFileName().toString().replace(".java", ""), p));
        return byName;
    }
}
