package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pool writes is private whatever the umask: its run and data directories 0700, every file in
 * them (log, pid, lock, sockets, the queue database with its WAL) 0600, also when the directories
 * existed before with looser modes.
 */
@Timeout(120)
class FileModesTest {

    @TempDir
    Path dir;

    @Test
    void aDaemonPoolWritesOnlyPrivateFiles() throws Exception {
        Files.createDirectories(
                dir.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createDirectories(
                dir.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path config = dir.resolve("pool.yaml");
        Files.writeString(config, Pools.recording(dir, 1, "source: {type: queue, durability: process}"));
        List<String> start = new ArrayList<>(List.of("sh", "-c", "umask 022 && exec \"$@\"", "sh"));
        start.addAll(PoolProcess.javaCommand("start", "--daemon", "-c", config.toString()));
        CliResult started = PoolProcess.run(start, dir);
        long managerPid = -1;
        try {
            assertThat(started.exitCode()).as(started.output()).isZero();
            managerPid =
                    Long.parseLong(Files.readString(dir.resolve("run/pool.pid")).trim());
            CliResult push =
                    PoolProcess.run(PoolProcess.javaCommand("push", "-c", config.toString(), "a", "b", "c"), dir);
            assertThat(push.exitCode()).as(push.output()).isZero();

            Map<String, String> modes = modesUnder(dir.resolve("run"));
            modes.putAll(modesUnder(dir.resolve("data")));
            assertThat(modes)
                    .containsKeys(
                            "run",
                            "run/pool.log",
                            "run/pool.pid",
                            "run/pool.lock",
                            "run/control.sock",
                            "run/ipc.sock",
                            "run/queue.sock",
                            "data",
                            "data/queue.db",
                            "data/queue.db-wal");
            modes.forEach((path, mode) -> assertThat(mode)
                    .as(path)
                    .isEqualTo(Files.isDirectory(dir.resolve(path)) ? "rwx------" : "rw-------"));
            assertThat(PoolProcess.run(PoolProcess.javaCommand("stop", "-c", config.toString()), dir)
                            .exitCode())
                    .isZero();
        } finally {
            Pools.killDaemon(managerPid);
        }
    }

    /** Every directory and file under {@code root} (itself included), by path relative to the test directory. */
    private Map<String, String> modesUnder(Path root) throws Exception {
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                modes.put(
                        dir.relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        return modes;
    }
}
