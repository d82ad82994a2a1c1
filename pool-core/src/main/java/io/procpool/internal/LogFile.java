package io.procpool.internal;

import io.procpool.internal.config.LogSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The pool's log file ({@code log_file}), rotated by size: once it holds {@code log_max_size} bytes, the
 * next line starts a new file and the full one becomes {@code <file>.1}, the one before {@code <file>.2},
 * up to {@code log_keep} files; the oldest is deleted. Rotation happens between lines, never inside one.
 * Every file is 0600. Thread-safe: the manager's streams and its workers' line copiers write through one
 * print stream over it.
 */
public final class LogFile extends OutputStream {

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;
    private boolean atLineStart = true;

    private LogFile(Path file, long maxBytes, int keep) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        open();
    }

    /** A print stream over the file {@code log} names (created 0600 with its directory 0700), appending. */
    public static PrintStream open(LogSettings log) throws IOException {
        Path parent = log.file().toAbsolutePath().getParent();
        if (parent != null && Files.notExists(parent)) {
            PrivateFiles.directory(parent);
        }
        return new PrintStream(new LogFile(log.file(), log.maxBytes(), log.keep()), true, StandardCharsets.UTF_8);
    }

    private void open() throws IOException {
        PrivateFiles.file(file);
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (atLineStart && maxBytes > 0 && size >= maxBytes) {
            rotate();
        }
        out.write(b, off, len);
        size += len;
        atLineStart = b[off + len - 1] == '\n';
    }

    /** {@code file.(k-1)} to {@code file.k} from the oldest down, then the file to {@code file.1}, and a new file. */
    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(numbered(keep));
        for (int k = keep - 1; k >= 1; k--) {
            if (Files.exists(numbered(k))) {
                Files.move(numbered(k), numbered(k + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path numbered(int k) {
        return file.resolveSibling(file.getFileName() + "." + k);
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
