package io.procpool.internal.queue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The built-in queue's durable store: one SQLite database in WAL mode ({@code data_dir/queue.db}),
 * opened by {@link SqliteQueueFile} and written through one group-committing {@link SqliteWriter}.
 * This class is the queue's SQL. Any thread calls it; the statements run on the writer thread.
 */
public final class SqliteQueueStore implements QueueStore {

    private final SqliteWriter writer;

    private SqliteQueueStore(SqliteWriter writer) {
        this.writer = writer;
    }

    /**
     * Opens (or creates) the queue database.
     *
     * @throws QueueStoreException when the file is corrupt, foreign or cannot be opened
     */
    public static SqliteQueueStore open(Path file, Durability durability) {
        return new SqliteQueueStore(new SqliteWriter(file, SqliteQueueFile.open(file, durability)));
    }

    private static List<StoredMessage> read(PreparedStatement ps) throws SQLException {
        List<StoredMessage> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                list.add(
                        new StoredMessage(rs.getLong(1), rs.getBytes(2), rs.getInt(3), rs.getLong(4), rs.getString(5)));
            }
        }
        return list;
    }

    private static final String COLUMNS = "SELECT id, body, attempts, deliver_at, last_error FROM messages ";

    @Override
    public List<StoredMessage> load(String queue) {
        return loadAfter(queue, 0);
    }

    @Override
    public List<StoredMessage> loadAfter(String queue, long id) {
        return writer.await(w -> {
            PreparedStatement ps = w.statement(COLUMNS + "WHERE queue = ? AND id > ? ORDER BY id");
            ps.setString(1, queue);
            ps.setLong(2, id);
            return read(ps);
        });
    }

    @Override
    public long maxId() {
        return writer.await(w -> {
            try (Statement s = w.connection().createStatement();
                    ResultSet rs = s.executeQuery("SELECT max(id) FROM messages")) {
                long max = rs.next() ? rs.getLong(1) : 0;
                try (ResultSet seq = s.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'messages'")) {
                    return Math.max(max, seq.next() ? seq.getLong(1) : 0);
                }
            }
        });
    }

    /**
     * The writer's {@code PRAGMA synchronous}: 2 (FULL, every commit fsynced: {@code power}) or 1
     * (NORMAL, in the OS once committed: {@code process}).
     */
    int synchronousLevel() {
        return writer.await(w -> {
            try (Statement s = w.connection().createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        });
    }

    /** Rows per multi-row INSERT: 7 parameters each, well under SQLite's parameter limit. */
    private static final int ROWS_PER_INSERT = 100;

    @Override
    public CompletableFuture<Void> insert(String queue, List<StoredMessage> messages) {
        long now = System.currentTimeMillis();
        return writer.submit(w -> {
            insertRows(w, messages.size(), (ps, p, i) -> {
                StoredMessage m = messages.get(i);
                if (m.id() > 0) {
                    ps.setLong(p, m.id());
                } else {
                    ps.setNull(p, Types.INTEGER);
                }
                ps.setString(p + 1, queue);
                ps.setBytes(p + 2, m.body());
                ps.setInt(p + 3, m.failures());
                ps.setLong(p + 4, m.deliverAtMs());
                ps.setString(p + 5, m.lastError());
                ps.setLong(p + 6, now);
            });
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> insert(String queue, long firstId, Bodies bodies, long deliverAtMs) {
        long now = System.currentTimeMillis();
        // The bodies are copied out of the batch here, on the writer thread, not on the caller's.
        return writer.submit(w -> {
            insertRows(w, bodies.size(), (ps, p, i) -> {
                ps.setLong(p, firstId + i);
                ps.setString(p + 1, queue);
                ps.setBytes(p + 2, bodies.body(i));
                ps.setInt(p + 3, 0);
                ps.setLong(p + 4, deliverAtMs);
                ps.setNull(p + 5, Types.VARCHAR);
                ps.setLong(p + 6, now);
            });
            return null;
        });
    }

    /** Sets the 7 parameters of row {@code i}, starting at parameter {@code p}. */
    private interface RowBinder {
        void bind(PreparedStatement ps, int p, int i) throws SQLException;
    }

    private static void insertRows(SqliteWriter w, int count, RowBinder binder) throws SQLException {
        // Multi-row statements: one statement per 100 rows instead of one per row.
        for (int from = 0; from < count; from += ROWS_PER_INSERT) {
            int rows = Math.min(ROWS_PER_INSERT, count - from);
            PreparedStatement ps = w.statement(
                    "INSERT INTO messages(id, queue, body, attempts, deliver_at, last_error, " + "created_at) VALUES "
                            + String.join(",", Collections.nCopies(rows, "(?, ?, ?, ?, ?, ?, ?)")));
            for (int r = 0; r < rows; r++) {
                binder.bind(ps, 1 + r * 7, from + r);
            }
            ps.executeUpdate();
        }
    }

    @Override
    @SuppressWarnings(
            "FutureReturnValueIgnored") // the writer logs a failed commit; an undeleted message is delivered again
    public void delete(IdRanges ids) {
        writer.submit(w -> {
            // Acks come as runs of consecutive ids: one ranged DELETE per run.
            PreparedStatement ps = w.statement("DELETE FROM messages WHERE id BETWEEN ? AND ?");
            for (long[] run : ids.merged()) {
                ps.setLong(1, run[0]);
                ps.setLong(2, run[1]);
                ps.addBatch();
            }
            ps.executeBatch();
            return null;
        });
    }

    @Override
    @SuppressWarnings(
            "FutureReturnValueIgnored") // the writer logs a failed commit; an undeleted message is delivered again
    public void recordFailure(long id, int failures, String error, long deliverAtMs) {
        writer.submit(w -> {
            PreparedStatement ps =
                    w.statement("UPDATE messages SET attempts = ?, last_error = ?, deliver_at = ? WHERE id = ?");
            ps.setInt(1, failures);
            ps.setString(2, error);
            ps.setLong(3, deliverAtMs);
            ps.setLong(4, id);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    @SuppressWarnings(
            "FutureReturnValueIgnored") // the writer logs a failed commit; an undeleted message is delivered again
    public void moveToDead(String queue, StoredMessage m) {
        writer.submit(w -> {
            PreparedStatement ps = w.statement(
                    "UPDATE messages SET queue = ?, attempts = ?, last_error = ?, deliver_at = 0 WHERE id = ?");
            ps.setString(1, QueueStore.deadQueue(queue));
            ps.setInt(2, m.failures());
            ps.setString(3, m.lastError());
            ps.setLong(4, m.id());
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public Counts counts(String queue) {
        return writer.await(w -> {
            PreparedStatement ps = w.statement("SELECT count(*) FROM messages WHERE queue = ?");
            ps.setString(1, queue);
            long live;
            try (ResultSet rs = ps.executeQuery()) {
                live = rs.next() ? rs.getLong(1) : 0;
            }
            ps.setString(1, QueueStore.deadQueue(queue));
            try (ResultSet rs = ps.executeQuery()) {
                return new Counts(live, rs.next() ? rs.getLong(1) : 0);
            }
        });
    }

    @Override
    public List<StoredMessage> peek(String queue, int limit) {
        return writer.await(w -> {
            PreparedStatement ps = w.statement(COLUMNS + "WHERE queue = ? ORDER BY id LIMIT ?");
            ps.setString(1, queue);
            ps.setInt(2, limit);
            return read(ps);
        });
    }

    @Override
    public List<StoredMessage> requeueDead(String queue) {
        return writer.await(w -> {
            PreparedStatement select = w.statement(COLUMNS + "WHERE queue = ? ORDER BY id");
            select.setString(1, QueueStore.deadQueue(queue));
            List<StoredMessage> dead = read(select);
            PreparedStatement ps =
                    w.statement("UPDATE messages SET queue = ?, attempts = 0, deliver_at = 0 WHERE queue = ?");
            ps.setString(1, queue);
            ps.setString(2, QueueStore.deadQueue(queue));
            ps.executeUpdate();
            List<StoredMessage> back = new ArrayList<>(dead.size());
            for (StoredMessage m : dead) {
                back.add(new StoredMessage(m.id(), m.body(), 0, 0, m.lastError()));
            }
            return back;
        });
    }

    @Override
    public int purge(String queue) {
        return writer.await(w -> {
            PreparedStatement ps = w.statement("DELETE FROM messages WHERE queue = ?");
            ps.setString(1, queue);
            return ps.executeUpdate();
        });
    }

    /** Lets queued writes finish, then closes the database. */
    @Override
    public void close() {
        writer.close();
    }
}
