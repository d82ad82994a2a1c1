package io.procpool.internal.worker;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedRunnable;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.procpool.internal.config.RetrySettings;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Retries one delivery inside the worker with resilience4j: up to {@code retry.max_attempts}
 * calls of {@code onMessage}, exponential backoff with jitter between them, no retry for the
 * {@code retry.ignore} exception classes nor for JVM errors. What is still failing after that
 * goes back to the manager as a failure (redelivery later, or dead letters). Immutable and
 * thread-safe: every call gets its own retry context.
 */
final class MessageRetry {

    /**
     * Wraps what {@code onMessage} threw after it had replied: a client that reads one reply per
     * request would read a second one from a retry, so a replied request is never tried again.
     */
    static final class AfterReply extends RuntimeException {
        AfterReply(Exception cause) {
            super(cause);
        }
    }

    private final Retry retryAfterFirst;
    private final java.util.function.Predicate<Throwable> retryable;
    private final int maxAttempts;
    private final IntervalFunction backoff;

    MessageRetry(RetrySettings settings, Logger log) {
        List<Class<?>> ignored = new ArrayList<>();
        for (String name : settings.ignore()) {
            try {
                ignored.add(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException e) {
                log.warn("retry.ignore names {}, which is not on the classpath; it is not ignored", name);
            }
        }
        IntervalFunction backoff = settings.jitter() > 0
                ? IntervalFunction.ofExponentialRandomBackoff(settings.backoff(), settings.multiplier(), settings.jitter(),
                        settings.maxBackoff())
                : IntervalFunction.ofExponentialBackoff(settings.backoff(), settings.multiplier(), settings.maxBackoff());
        this.maxAttempts = settings.maxAttempts();
        this.backoff = backoff;
        this.retryable = t -> t instanceof Exception && !(t instanceof AfterReply) && ignored.stream().noneMatch(c -> c.isInstance(t));
        // The first try already happened outside resilience4j, so its first wait is the backoff
        // and it makes the remaining maxAttempts - 1 tries.
        this.retryAfterFirst = Retry.of("onMessage", RetryConfig.custom()
                .maxAttempts(Math.max(1, settings.maxAttempts() - 1))
                .intervalFunction(attempt -> backoff.apply(attempt + 1))
                .retryOnException(retryable)
                .build());
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Runs {@code call} with retries; throws what the last try threw. The first try runs
     * bare: the retry machinery (a context and its allocations) is paid only by a message that
     * failed once, not by the millions that succeed.
     */
    void run(CheckedRunnable call) throws Throwable {
        try {
            call.run();
            return;
        } catch (Exception e) {
            if (maxAttempts == 1 || !retryable.test(e)) {
                throw e;
            }
        }
        Thread.sleep(backoff.apply(1));
        Retry.decorateCheckedRunnable(retryAfterFirst, call).run();
    }
}
