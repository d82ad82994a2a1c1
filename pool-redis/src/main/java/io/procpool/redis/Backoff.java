package io.procpool.redis;

/** Waits between reconnect attempts: 100 ms doubling to 5 s, reset by a success. One thread. */
final class Backoff {

    private long ms = 100;

    void failed() throws InterruptedException {
        Thread.sleep(ms);
        ms = Math.min(ms * 2, 5_000);
    }

    void succeeded() {
        ms = 100;
    }
}
