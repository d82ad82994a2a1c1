package io.procpool;

import io.procpool.internal.control.ControlClient;
import io.procpool.internal.control.StatusCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Commands a running pool from another program, over its {@code control.sock}, as {@code pool status},
 * {@code pool stop}, {@code pool reload} and {@code pool scale} do. Each call opens its own connection, so
 * one instance may be used from any thread; it holds only the run directory.
 *
 * <pre>{@code
 * PoolControl pool = PoolControl.of(Path.of("run"));
 * if (pool.status().pool().workersReady() < 2) {
 *     pool.scale(4);
 * }
 * }</pre>
 */
public final class PoolControl {

    /** No manager answers on the run directory: none was started there, or it has exited. */
    public static final class NotRunningException extends IOException {
        public NotRunningException(String message) {
            super(message);
        }
    }

    /** The manager answered and refused the command; the message says why. */
    public static final class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final Path runDir;

    private PoolControl(Path runDir) {
        this.runDir = Objects.requireNonNull(runDir, "runDir");
    }

    /** The pool whose run directory ({@code run_dir}) is {@code runDir}. */
    public static PoolControl of(Path runDir) {
        return new PoolControl(runDir);
    }

    public Path runDir() {
        return runDir;
    }

    /** The pool's state, workers and counters. */
    public PoolStatus status() throws IOException {
        return StatusCodec.fromMap(call(Map.of("command", "status")));
    }

    /** A graceful stop within the pool's {@code max_wait_time}; returns once the manager has begun it. */
    public String stop() throws IOException {
        return message(call(Map.of("command", "stop")));
    }

    /** A graceful stop within {@code timeout}; workers still running after it are killed. */
    public String stop(Duration timeout) throws IOException {
        return message(call(Map.of("command", "stop", "timeout_ms", timeout.toMillis())));
    }

    /** A rolling restart of every worker, with the configuration the pool runs. */
    public String reload() throws IOException {
        return message(call(Map.of("command", "reload")));
    }

    /**
     * Reads the configuration file again, then restarts every worker with it ({@code SIGHUP}'s twin).
     *
     * @throws RefusedException when the file is invalid or changes a setting that needs a new manager
     */
    public String reloadConfiguration() throws IOException {
        return message(call(Map.of("command", "reload", "reread", true)));
    }

    /** Sets the number of workers, from 1 to 1024. */
    public String scale(int workers) throws IOException {
        return message(call(Map.of("command", "scale", "workers", workers)));
    }

    private Map<String, Object> call(Map<String, Object> request) throws IOException {
        Map<String, Object> answer = ControlClient.call(runDir, request);
        if (!Boolean.TRUE.equals(answer.get("ok"))) {
            throw new RefusedException(String.valueOf(answer.get("error")));
        }
        return answer;
    }

    private static String message(Map<String, Object> answer) {
        return String.valueOf(answer.getOrDefault("message", "ok"));
    }
}
