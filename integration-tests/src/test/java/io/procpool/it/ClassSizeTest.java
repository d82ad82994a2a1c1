package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The size rule of CONTRIBUTING.md: no main source file of any module is over 400 lines, so a class that
 * grows a second job is split when it does, not in a later clean-up.
 */
class ClassSizeTest {

    static final int MAX_LINES = 400;

    @Test
    void noMainSourceFileIsOverFourHundredLines() throws IOException {
        Path root = DocumentedConfigsTest.ROOT;
        List<String> over = new ArrayList<>();
        for (Path f : mainSources()) {
            long lines;
            try (Stream<String> l = Files.lines(f)) {
                lines = l.count();
            }
            if (lines > MAX_LINES) {
                over.add(root.relativize(f) + " (" + lines + " lines)");
            }
        }
        assertThat(over).as("main source files over %d lines", MAX_LINES).isEmpty();
    }

    @Test
    void theWalkFindsTheMainSources() throws IOException {
        // Guards the test above against a walk that finds nothing (a moved root, a changed layout).
        assertThat(mainSources()).hasSizeGreaterThan(100);
    }

    private static List<Path> mainSources() throws IOException {
        return SourceTree.files(ClassSizeTest::isMainSource);
    }

    private static boolean isMainSource(Path f) {
        String s = f.toString();
        return s.endsWith(".java") && s.contains("/src/main/java/") && !s.contains("/target/");
    }
}
