package io.procpool.redis;

import io.lettuce.core.RedisException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a source reaches Redis, as the worker's status shows it, and the wait between attempts
 * while it does not (100 ms doubling to 5 s, reset by a success); each change is logged once. The
 * source's reader thread reports; any thread reads {@link #available}.
 */
final class Reachability {

    private static final Logger log = LoggerFactory.getLogger(Reachability.class);

    private volatile boolean available = true;
    private long waitMs = 100;

    boolean available() {
        return available;
    }

    void succeeded() {
        if (!available) {
            available = true;
            log.info("Redis is back");
        }
        waitMs = 100;
    }

    /** One attempt to connect, now: true when it got through; else {@code cleanUp} closes what it opened. */
    private boolean tryConnect(Runnable connect, Runnable cleanUp) {
        try {
            connect.run();
            succeeded();
            return true;
        } catch (RedisException e) {
            cleanUp.run();
            unavailable(e);
            return false;
        }
    }

    /**
     * Starts the source's reader thread: connected now, before the worker says READY, when Redis is
     * up; else by the reader, with backoff, before it runs {@code loop} (not at all if the worker
     * stops first). {@code connect} opens what the source needs; {@code cleanUp} closes what a failed
     * attempt opened.
     */
    Thread startReader(String name, Runnable connect, Runnable cleanUp, BooleanSupplier stopping, Runnable loop) {
        boolean connected = tryConnect(connect, cleanUp);
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            if (connected || connectLater(connect, cleanUp, stopping)) {
                try {
                    loop.run();
                } catch (RuntimeException | Error e) {
                    // A bug, not an outage (those are RedisExceptions, retried in the loop). A worker whose
                    // reader is gone would stay up and read nothing: it exits instead (code 1, "failed"),
                    // the manager starts a fresh one, and what this one held is delivered again.
                    log.error("the {} reader failed; the worker exits so that a fresh one replaces it", name, e);
                    Runtime.getRuntime().halt(1);
                }
            }
        });
    }

    /**
     * After a failed {@link #tryConnect}: tries again with backoff until it gets through (true) or
     * the worker stops (false). So a worker started while Redis is down comes up, shows the source
     * unavailable, and connects when Redis does, instead of failing and being restarted in a crash loop.
     */
    private boolean connectLater(Runnable connect, Runnable cleanUp, BooleanSupplier stopping) {
        while (!stopping.getAsBoolean()) {
            try {
                pause();
            } catch (InterruptedException e) {
                return false;
            }
            if (!stopping.getAsBoolean() && tryConnect(connect, cleanUp)) {
                return true;
            }
        }
        return false;
    }

    /** Marks Redis unavailable and waits before the next attempt. */
    void failed(RedisException e) throws InterruptedException {
        unavailable(e);
        pause();
    }

    private void unavailable(RedisException e) {
        if (available) {
            available = false;
            log.warn("Redis unavailable ({}); retrying with backoff", e.getMessage());
        }
    }

    private void pause() throws InterruptedException {
        Thread.sleep(waitMs);
        waitMs = Math.min(waitMs * 2, 5_000);
    }
}
