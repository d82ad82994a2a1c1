package io.procpool.internal.queue;

import java.nio.file.Path;

/**
 * Opens the built-in queue's store for a durability level: SQLite for {@code process} and {@code power},
 * memory for {@code none}. The one place that names the concrete stores. Stateless; any thread.
 */
public final class QueueStores {

    private QueueStores() {}

    /**
     * Opens the store of {@code database} for {@code durability}.
     *
     * @throws QueueStoreException when the database is corrupt, foreign or cannot be opened
     */
    public static QueueStore open(Path database, Durability durability) {
        return durability == Durability.NONE ? new MemoryQueueStore() : SqliteQueueStore.open(database, durability);
    }
}
