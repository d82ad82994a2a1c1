package io.procpool.internal.manager;

import io.procpool.internal.PrivateFiles;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool's run directory: 0700 (see {@link PrivateFiles}), locked for the manager's life (so a second
 * {@code pool start} on it refuses), holding {@code pool.pid} and the sockets (0600). The lock
 * is an OS file lock, so a manager killed with SIGKILL leaves no stale lock behind. Used by the
 * manager's main thread at start and at exit.
 */
public final class RunDirectory implements AutoCloseable {

    /** Another manager holds the run directory. */
    public static final class AlreadyRunningException extends Exception {
        public AlreadyRunningException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Path> sockets = new ArrayList<>();

    private RunDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    public static RunDirectory open(Path dir) throws IOException, AlreadyRunningException {
        Held held = tryLock(dir);
        if (held == null) {
            String pid = readPid(dir);
            throw new AlreadyRunningException("a pool is already running on run directory " + dir
                    + (pid == null ? "" : " (manager pid " + pid + ")")
                    + "; stop it with `pool stop`, or give this pool another run_dir");
        }
        Files.writeString(
                PrivateFiles.file(dir.resolve("pool.pid")),
                ProcessHandle.current().pid() + "\n",
                StandardCharsets.US_ASCII);
        return new RunDirectory(dir, held.channel(), held.lock());
    }

    /** The run directory's lock file, locked by this process. */
    private record Held(FileChannel channel, FileLock lock) {}

    /** Creates the directory (0700) if needed and takes its lock; null when another process holds it. */
    private static Held tryLock(Path dir) throws IOException {
        PrivateFiles.directory(dir);
        FileChannel ch = FileChannel.open(PrivateFiles.file(dir.resolve("pool.lock")), StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            return null;
        }
        return new Held(ch, lock);
    }

    /**
     * Takes the run directory's lock for a tool that works on the pool's files while no manager
     * runs ({@code pool push} into a stopped pool). Returns null when a manager holds it.
     */
    public static AutoCloseable lockIfIdle(Path dir) throws IOException {
        Held held = tryLock(dir);
        if (held == null) {
            return null;
        }
        return () -> {
            held.lock().release();
            held.channel().close();
        };
    }

    /** The manager pid recorded in {@code pool.pid}, or null. */
    public static String readPid(Path dir) {
        try {
            return Files.readString(dir.resolve("pool.pid"), StandardCharsets.US_ASCII)
                    .trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Binds a Unix domain socket in this directory (mode 0600), replacing a stale socket file. */
    public ServerSocketChannel bind(String name) throws IOException {
        Path path = dir.resolve(name);
        // Safe: we hold the lock, so a socket file here is a leftover of a dead manager.
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw new IOException(
                    "cannot bind socket " + path + " (" + e.getMessage() + "); a Unix socket path may have "
                            + "106 bytes at most (this one has "
                            + path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                            + "), so choose a shorter run_dir",
                    e);
        }
        Files.setPosixFilePermissions(path, PrivateFiles.FILE);
        sockets.add(path);
        return server;
    }

    public Path path() {
        return dir;
    }

    /** Removes the sockets and the pid file and releases the lock. */
    @Override
    public void close() {
        try {
            for (Path s : sockets) {
                Files.deleteIfExists(s);
            }
            Files.deleteIfExists(dir.resolve("pool.pid"));
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // best effort at exit; the next start cleans up what is left
        }
    }
}
