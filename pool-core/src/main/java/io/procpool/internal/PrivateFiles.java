package io.procpool.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The modes of what a pool writes: its run and data directories are 0700 and every file in them
 * 0600, whatever the umask, because the queue database and its WAL hold message bodies and the
 * log holds what consumers log. Set explicitly after creating: a directory that existed, and a file
 * created by another program (SQLite, a shell redirect), would keep the umask's 0755 / 0644.
 * Stateless; any thread.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code dir} and its missing parents, and makes {@code dir} itself 0700. */
    public static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, attribute(DIRECTORY));
        }
        Files.setPosixFilePermissions(dir, DIRECTORY);
        return dir;
    }

    /** Creates {@code file} empty if it does not exist, and makes it 0600. */
    public static Path file(Path file) throws IOException {
        if (Files.notExists(file)) {
            try {
                Files.createFile(file, attribute(FILE));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile by another process: its mode is set below
            }
        }
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }

    /** Makes {@code file} 0600 if it exists. */
    public static void restrict(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
