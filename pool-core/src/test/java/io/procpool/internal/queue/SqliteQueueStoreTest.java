package io.procpool.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store against a real database file. */
class SqliteQueueStoreTest {

    @TempDir
    Path dir;

    private static List<StoredMessage> messages(long firstId, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new StoredMessage(
                        firstId + i, ("m" + (firstId + i)).getBytes(StandardCharsets.UTF_8), 0, 0, null))
                .toList();
    }

    @Test
    void whatWasCommittedIsThereAfterReopeningAndAckedMessagesAreGone() {
        Path db = dir.resolve("queue.db");
        try (SqliteQueueStore store = SqliteQueueStore.open(db, Durability.PROCESS)) {
            store.insert("q", messages(1, 1000)).join();
            store.insert("other", messages(1001, 5)).join();
            store.delete(IdRanges.of(1L, 2L, 3L));
            store.recordFailure(4, 2, "boom", 123);
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(db, Durability.POWER)) {
            List<StoredMessage> q = store.load("q");
            assertThat(q).hasSize(997);
            assertThat(q.get(0).id()).isEqualTo(4);
            assertThat(q.get(0).failures()).isEqualTo(2);
            assertThat(q.get(0).lastError()).isEqualTo("boom");
            assertThat(q.get(0).deliverAtMs()).isEqualTo(123);
            assertThat(new String(q.get(996).body(), StandardCharsets.UTF_8)).isEqualTo("m1000");
            assertThat(store.maxId()).isEqualTo(1005);
            assertThat(store.loadAfter("q", 999)).extracting(StoredMessage::id).containsExactly(1000L);
        }
    }

    @Test
    void powerDurabilityFsyncsEveryCommitAndProcessDurabilityLeavesItToTheOs() {
        try (SqliteQueueStore store = SqliteQueueStore.open(dir.resolve("power.db"), Durability.POWER)) {
            assertThat(store.synchronousLevel()).as("PRAGMA synchronous FULL").isEqualTo(2);
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(dir.resolve("process.db"), Durability.PROCESS)) {
            assertThat(store.synchronousLevel())
                    .as("PRAGMA synchronous NORMAL, in WAL mode")
                    .isEqualTo(1);
        }
    }

    @Test
    void deadLettersAreKeptApartAndCanBeRequeued() {
        try (SqliteQueueStore store = SqliteQueueStore.open(dir.resolve("queue.db"), Durability.PROCESS)) {
            store.insert("q", messages(1, 3)).join();
            store.moveToDead(
                    "q",
                    new StoredMessage(2, "m2".getBytes(StandardCharsets.UTF_8), 5, 0, "IllegalStateException: poison"));
            assertThat(store.counts("q")).isEqualTo(new QueueStore.Counts(2, 1));
            assertThat(store.peek("q.dead", 10))
                    .singleElement()
                    .satisfies(m -> assertThat(m.lastError()).isEqualTo("IllegalStateException: poison"));
            List<StoredMessage> back = store.requeueDead("q");
            assertThat(back).extracting(StoredMessage::id).containsExactly(2L);
            assertThat(store.counts("q")).isEqualTo(new QueueStore.Counts(3, 0));
            assertThat(store.purge("q")).isEqualTo(3);
        }
    }

    @Test
    void manyConcurrentProducersAreAllCommitted() throws Exception {
        try (SqliteQueueStore store = SqliteQueueStore.open(dir.resolve("queue.db"), Durability.PROCESS)) {
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long first = 1 + t * 10_000L;
                producers.add(Thread.ofPlatform().start(() -> {
                    for (int b = 0; b < 100; b++) {
                        store.insert("q", messages(first + b * 100L, 100)).join();
                    }
                }));
            }
            for (Thread p : producers) {
                p.join();
            }
            assertThat(store.counts("q").live()).isEqualTo(80_000);
        }
    }

    @Test
    void workAfterTheCloseIsRefusedNotLeftWaiting() {
        SqliteQueueStore store = SqliteQueueStore.open(dir.resolve("queue.db"), Durability.PROCESS);
        CompletableFuture<Void> before = store.insert("q", messages(1, 10));
        store.close();
        assertThat(before).as("queued before the close: committed").isDone().isNotCompletedExceptionally();
        assertThat(store.insert("q", messages(11, 10))).isCompletedExceptionally();
        assertThatThrownBy(() -> store.counts("q"))
                .isInstanceOf(QueueStoreException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aForeignDatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path db = dir.resolve("queue.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)");
            s.execute("INSERT INTO invoices(total) VALUES (42.0)");
        }
        byte[] before = Files.readAllBytes(db);
        assertThatThrownBy(() -> SqliteQueueStore.open(db, Durability.PROCESS))
                .isInstanceOf(QueueStoreException.class)
                .hasMessageContaining("is not a procpool queue")
                .hasMessageContaining("invoices")
                .hasMessageContaining("untouched");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    @Test
    void aCorruptFileIsRefusedAndLeftUntouched() throws Exception {
        Path db = dir.resolve("queue.db");
        byte[] garbage = new byte[8192];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(db, garbage);
        assertThatThrownBy(() -> SqliteQueueStore.open(db, Durability.PROCESS))
                .isInstanceOf(QueueStoreException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("untouched");
        assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
    }
}
