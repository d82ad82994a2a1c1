package io.procpool.testkit;

import java.util.function.Supplier;

/**
 * A fixture's server, started on first use and shared by every test class and engine of this
 * JVM, then stopped when the JVM exits. Thread-safe.
 */
final class OncePerJvm<B extends AutoCloseable> {

    private final Supplier<B> start;
    private B value;
    private int starts;

    OncePerJvm(Supplier<B> start) {
        this.start = start;
    }

    synchronized B get() {
        if (value == null) {
            B b = start.get();
            starts++;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    b.close();
                                } catch (Exception e) {
                                    // the JVM is exiting: nothing more to do
                                }
                            },
                            "procpool-fixture-stop"));
            value = b;
        }
        return value;
    }

    /** How many times a server was started: 1 after any number of test classes. */
    synchronized int starts() {
        return starts;
    }
}
