package io.procpool.internal.worker;

import io.procpool.internal.config.RetrySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * Retries one delivery inside the worker: up to {@code retry.max_tries} calls of
 * {@code onMessage}, waiting between them with exponential backoff and jitter (computed here: the
 * worker runtime carries no library a consumer might bring in another version), no retry for the {@code retry.ignore} exception classes, for JVM errors,
 * nor for a call that replied ({@link AfterReply}). What still fails after that goes back to the
 * source as a failure (redelivery later, or dead letters). The waits go through a {@link Sleeper},
 * so a test sees them without waiting. Immutable and thread-safe.
 */
final class MessageRetry {

    /** One call of the consumer. */
    interface Try {
        void run() throws Exception;
    }

    /** How a wait between tries is spent: {@code Thread::sleep}, or a test's recorder. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * Wraps what {@code onMessage} threw after it had replied: a client that reads one reply per
     * request would read a second one from a retry, so a replied request is never tried again.
     */
    static final class AfterReply extends RuntimeException {
        AfterReply(Exception cause) {
            super(cause);
        }
    }

    private final Predicate<Exception> retryable;
    private final int maxTries;
    private final RetrySettings settings;
    private final Sleeper sleeper;

    MessageRetry(RetrySettings settings, Logger log) {
        this(settings, log, Thread::sleep);
    }

    MessageRetry(RetrySettings settings, Logger log, Sleeper sleeper) {
        List<Class<?>> ignored = new ArrayList<>();
        for (String name : settings.ignore()) {
            try {
                ignored.add(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException e) {
                log.warn("retry.ignore names {}, which is not on the classpath; it is not ignored", name);
            }
        }
        this.settings = settings;
        this.maxTries = settings.maxTries();
        this.retryable = e -> !(e instanceof AfterReply) && ignored.stream().noneMatch(c -> c.isInstance(e));
        this.sleeper = sleeper;
    }

    int maxTries() {
        return maxTries;
    }

    /**
     * Runs {@code call} with retries; throws what the last try threw. A JVM error (not an
     * {@code Exception}) is never retried. The first try costs nothing but the call.
     */
    void run(Try call) throws Exception {
        for (int tries = 1; ; tries++) {
            try {
                call.run();
                return;
            } catch (Exception e) {
                if (tries >= maxTries || !retryable.test(e)) {
                    throw e;
                }
            }
            sleeper.sleep(waitAfter(tries));
        }
    }

    /** The wait after try {@code n}: backoff * multiplier^(n-1), capped at max_backoff, then ± jitter of it. */
    private long waitAfter(int n) {
        double base =
                Math.min((double) settings.backoff().toMillis() * Math.pow(settings.multiplier(), n - 1.0), (double)
                        settings.maxBackoff().toMillis());
        double spread = base * settings.jitter();
        double wait = spread > 0 ? base - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread : base;
        return Math.max(0, Math.round(wait));
    }
}
