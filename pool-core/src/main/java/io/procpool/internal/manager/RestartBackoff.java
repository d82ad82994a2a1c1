package io.procpool.internal.manager;

import java.time.Duration;

/**
 * How long a slot waits before its next start after {@code n} quick deaths in a row: the
 * initial delay doubled each time, capped. Gunicorn respawns at once and can fork-storm; PM2
 * backs off exponentially too. Immutable.
 */
record RestartBackoff(Duration initial, Duration max) {

    Duration delayAfter(int consecutiveFailures) {
        if (consecutiveFailures <= 0) {
            return Duration.ZERO;
        }
        int doublings = Math.min(consecutiveFailures - 1, 30);
        long ms = initial.toMillis() << doublings;
        return ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
    }
}
