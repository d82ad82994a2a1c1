package io.procpool.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that runs a worker's group member, and the member after it when one fails: a member's
 * body creates its consumer, consumes until the source closes, and closes the consumer; when it throws,
 * a new member starts after a backoff (0.5 s doubling to 10 s, reset after a minute of good running).
 * Its own thread runs the bodies; the worker's threads set the stop flags, which the body reads.
 */
final class MemberThread {

    private static final Logger log = LoggerFactory.getLogger(MemberThread.class);

    /** One member's life; returns when the source closes. */
    interface Body {
        void run() throws InterruptedException;
    }

    private final String name;
    private final String what;
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean stopping;
    private volatile boolean closing;
    private Thread thread;

    /** {@code what} names the member in log lines, e.g. "Kafka consumer of group g". */
    MemberThread(String name, String what) {
        this.name = name;
        this.what = what;
    }

    void start(Body body) {
        thread = Thread.ofPlatform().name(name).daemon().start(() -> run(body));
    }

    private void run(Body body) {
        long backoffMs = 500;
        while (!closing) {
            long startedNs = System.nanoTime();
            try {
                body.run();
                return;
            } catch (InterruptException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                restarts.incrementAndGet();
                if (System.nanoTime() - startedNs > Duration.ofMinutes(1).toNanos()) {
                    backoffMs = 500;
                }
                log.error(
                        "the {} failed ({}); a new member joins in {} ms, and what this one had not committed is "
                                + "delivered again",
                        what,
                        e.toString(),
                        backoffMs);
            }
            long until = System.nanoTime() + backoffMs * 1_000_000;
            while (!closing && System.nanoTime() < until) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
            backoffMs = Math.min(backoffMs * 2, 10_000);
        }
    }

    /** The worker stops: take no more records, finish those held. */
    void stopAccepting() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    boolean closing() {
        return closing;
    }

    long restarts() {
        return restarts.get();
    }

    /** Ends the member (its body commits and closes its consumer) and waits for it, 15 s at most. */
    void close() {
        stopping = true;
        closing = true;
        if (thread != null) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
