package io.procpool.it;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The repository's own files, for tests that read its sources: a walk from the root that does not
 * enter {@code target/} or {@code .git/}, where a running test's broker or a build writes and deletes
 * files while a walk would read them (a CI run failed on a Kafka checkpoint's {@code .tmp} that was
 * gone). Stateless.
 */
final class SourceTree {

    private SourceTree() {}

    /** The files under the repository's root that {@code wanted} accepts, in walk order. */
    static List<Path> files(Predicate<Path> wanted) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(DocumentedConfigsTest.ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return name.equals("target") || name.equals(".git") || name.equals("node_modules")
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (wanted.test(f)) {
                    found.add(f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }
}
