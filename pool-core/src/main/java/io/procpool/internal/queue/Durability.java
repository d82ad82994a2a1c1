package io.procpool.internal.queue;

import java.util.Locale;

/** How much of the built-in queue survives what: the {@code source.durability} setting. */
public enum Durability {
    /** In the manager's memory only: lost when the manager dies; the fastest. */
    NONE,
    /** SQLite WAL, synchronous=NORMAL: survives kill -9 of any process, not a power loss. The default. */
    PROCESS,
    /** SQLite WAL, synchronous=FULL: every commit is fsynced and survives a power loss. */
    POWER;

    public static Durability of(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
