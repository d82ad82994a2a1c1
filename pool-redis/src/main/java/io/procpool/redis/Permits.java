package io.procpool.redis;

import java.util.concurrent.Semaphore;

/** Taking more of a worker's prefetch permits for one batched fetch. Stateless. */
final class Permits {

    private Permits() {}

    /** Takes up to {@code max} more permits without waiting; returns how many it got. */
    static int drainUpTo(Semaphore permits, int max) {
        int got = 0;
        while (got < max && permits.tryAcquire()) {
            got++;
        }
        return got;
    }
}
