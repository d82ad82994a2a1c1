package io.procpool.internal.manager;

import io.procpool.internal.ExitCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor loop's safety net. A step that throws is a bug, and a pool whose supervisor cannot be
 * trusted must not go on unsupervised: the failure is logged and the pool stops gracefully, so workers
 * finish what they run and {@code onStop}, and the manager then exits with SUPERVISOR_FAILED. If steps
 * keep failing while it stops, the workers are killed so that the loop still ends. Supervisor thread only.
 */
final class LoopGuard {

    private static final Logger log = LoggerFactory.getLogger(LoopGuard.class);
    /** Failed steps tolerated while the pool stops gracefully after the first; then workers are killed. */
    private static final int MAX_FAILURES = 3;

    /** Runs a call into user code ({@code what}) whose failure must not disturb the loop: it is logged. */
    static void quietly(Runnable call, String what) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("{} threw", what, e);
        }
    }

    private int failures;

    /** Runs {@code step}; when it throws, {@code stop} the pool gracefully, or {@code killAll} when that fails too. */
    void run(Runnable step, Runnable stop, Runnable killAll) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            failures++;
            Throwable last = e;
            if (failures <= MAX_FAILURES) {
                log.error(
                        "the supervisor failed; stopping the pool gracefully (exit code {})",
                        ExitCode.SUPERVISOR_FAILED,
                        e);
                try {
                    stop.run();
                    return;
                } catch (RuntimeException | Error again) {
                    last = again;
                }
            }
            log.error("the supervisor failed again while stopping ({})", last.toString());
            killAll.run();
        }
    }

    /** Whether any step failed: the exit code says so. */
    boolean failed() {
        return failures > 0;
    }
}
