package io.procpool.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** The integration tests' bounded wait for a condition outside a pool's status, on Awaitility. The test's thread. */
final class Polls {

    private Polls() {}

    /** Whether {@code pool status} answered: 0 all workers READY, 13 some, 14 none (9: no pool runs). */
    static boolean statusAnswered(int exitCode) {
        return exitCode == 0 || exitCode == 13 || exitCode == 14;
    }

    /**
     * Polls {@code condition} on this thread (so it may use the test's clients) every 50 ms until it holds
     * or {@code timeout} passes. Returns whether it held; the caller's assertion after it says what is
     * wrong, with the values it reads.
     */
    static boolean until(String what, Duration timeout, Callable<Boolean> condition) {
        try {
            Awaitility.await(what)
                    .atMost(timeout)
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
