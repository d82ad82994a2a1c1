package io.procpool.internal.queue;

import io.procpool.internal.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in queue's durable store: one SQLite database in WAL mode ({@code data_dir/queue.db}).
 *
 * <p>Group commit: every operation goes to one writer thread ("queue-writer"), which takes all
 * that is waiting (up to {@link #MAX_GROUP} operations), runs them in one transaction, commits
 * once, and only then completes their futures. Under load a commit therefore carries thousands
 * of pushes and acks; alone, one push commits at once.
 *
 * <p>A file that is not a procpool queue (another application's database, or not SQLite at all)
 * is reported and never written to.
 */
public final class SqliteQueueStore implements QueueStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteQueueStore.class);
    /** The value of {@code procpool_meta.format}: changes when the schema does. */
    static final String FORMAT = "procpool-queue-1";
    private static final int MAX_GROUP = 4096;

    /** Work for the writer thread, inside its current transaction. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private record Op<T>(Work<T> work, CompletableFuture<T> done) {}

    /** The last operation: the writer commits what came before it, then ends. */
    private static final Work<Void> CLOSE = c -> null;

    private final Path file;
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final BlockingQueue<Op<?>> ops = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    private SqliteQueueStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
        this.writer = Thread.ofPlatform().name("queue-writer").daemon().start(this::writeLoop);
    }

    /**
     * Opens (or creates) the queue database.
     *
     * @throws QueueStoreException when the file is corrupt, foreign or cannot be opened
     */
    public static SqliteQueueStore open(Path file, Durability durability) {
        try {
            PrivateFiles.directory(file.toAbsolutePath().getParent());
            boolean existed = Files.exists(file) && Files.size(file) > 0;
            // The database holds message bodies: 0600, and SQLite gives its WAL and SHM files the
            // database's mode; those of an earlier run are made private too.
            PrivateFiles.file(file);
            PrivateFiles.restrict(Path.of(file + "-wal"));
            PrivateFiles.restrict(Path.of(file + "-shm"));
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                if (existed) {
                    checkFormat(c, file);
                }
                s.execute("PRAGMA journal_mode=WAL");
                // NORMAL in WAL mode: a commit is in the OS once it returns, so it survives the
                // death of any process; FULL also fsyncs the WAL so it survives a power loss.
                s.execute("PRAGMA synchronous=" + (durability == Durability.POWER ? "FULL" : "NORMAL"));
                s.execute("CREATE TABLE IF NOT EXISTS procpool_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("INSERT OR IGNORE INTO procpool_meta(key, value) VALUES ('format', '" + FORMAT + "')");
                s.execute("CREATE TABLE IF NOT EXISTS messages("
                        + "id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, body BLOB NOT NULL, "
                        + "attempts INTEGER NOT NULL DEFAULT 0, deliver_at INTEGER NOT NULL DEFAULT 0, "
                        + "last_error TEXT, created_at INTEGER NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS messages_by_queue ON messages(queue, id)");
            }
            c.setAutoCommit(false);
            return new SqliteQueueStore(file, c);
        } catch (SQLException e) {
            throw new QueueStoreException(describe(file, e), e);
        } catch (java.io.IOException e) {
            throw new QueueStoreException("cannot open the queue database " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkFormat(Connection c, Path file) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        if (tables.isEmpty()) {
            return;
        }
        String format = null;
        if (tables.contains("procpool_meta")) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT value FROM procpool_meta WHERE key = 'format'")) {
                format = rs.next() ? rs.getString(1) : null;
            }
        }
        if (!FORMAT.equals(format)) {
            c.close();
            throw new QueueStoreException("the queue database " + file + " is not a procpool queue (format "
                    + (format == null ? "unknown, tables " + tables : format) + "); it was left untouched: "
                    + "point data_dir elsewhere or move the file away", null);
        }
    }

    private static String describe(Path file, SQLException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("NOTADB") || m.contains("not a database") || m.contains("CORRUPT") || m.contains("malformed")) {
            return "the queue database " + file + " is corrupt or not an SQLite file (" + m + "); it was left "
                    + "untouched: restore it from a backup, or move it away to start an empty queue";
        }
        return "cannot use the queue database " + file + ": " + m;
    }

    private <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new QueueStoreException("the queue store is closed", null));
            return done;
        }
        ops.add(new Op<>(work, done));
        return done;
    }

    private <T> T await(Work<T> work) {
        try {
            return submit(work).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new QueueStoreException(describe(file,
                    e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause())), e.getCause());
        }
    }

    private void writeLoop() {
        List<Op<?>> group = new ArrayList<>();
        List<Object> results = new ArrayList<>();
        while (true) {
            try {
                group.add(ops.take());
            } catch (InterruptedException e) {
                return;
            }
            ops.drainTo(group, MAX_GROUP - 1);
            results.clear();
            for (Op<?> op : group) {
                try {
                    results.add(op.work().run(connection));
                } catch (SQLException | RuntimeException e) {
                    results.add(e);
                }
            }
            SQLException commitFailure = null;
            try {
                connection.commit();
            } catch (SQLException e) {
                commitFailure = e;
                log.error("queue commit failed: {}", describe(file, e));
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the connection is unusable; every op of this group fails below
                }
            }
            for (int i = 0; i < group.size(); i++) {
                complete(group.get(i), commitFailure != null ? commitFailure : results.get(i));
            }
            boolean stop = group.stream().anyMatch(op -> op.work() == CLOSE);
            group.clear();
            if (stop) {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Op<T> op, Object result) {
        if (result instanceof Exception e) {
            op.done().completeExceptionally(e);
        } else {
            op.done().complete((T) result);
        }
    }

    private PreparedStatement statement(Connection c, String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private static List<StoredMessage> read(PreparedStatement ps) throws SQLException {
        List<StoredMessage> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                list.add(new StoredMessage(rs.getLong(1), rs.getBytes(2), rs.getInt(3), rs.getLong(4), rs.getString(5)));
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
        return await(c -> {
            PreparedStatement ps = statement(c, COLUMNS + "WHERE queue = ? AND id > ? ORDER BY id");
            ps.setString(1, queue);
            ps.setLong(2, id);
            return read(ps);
        });
    }

    @Override
    public long maxId() {
        return await(c -> {
            try (Statement s = c.createStatement();
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
        return await(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        });
    }

    /** Rows per multi-row INSERT: 7 parameters each, well under SQLite's parameter limit. */
    private static final int ROWS_PER_INSERT = 100;

    @Override
    public CompletableFuture<Void> insert(String queue, List<StoredMessage> messages) {
        long now = System.currentTimeMillis();
        return submit(c -> {
            insertRows(c, messages.size(), (ps, p, i) -> {
                StoredMessage m = messages.get(i);
                if (m.id() > 0) {
                    ps.setLong(p, m.id());
                } else {
                    ps.setNull(p, java.sql.Types.INTEGER);
                }
                ps.setString(p + 1, queue);
                ps.setBytes(p + 2, m.body());
                ps.setInt(p + 3, m.attempts());
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
        return submit(c -> {
            insertRows(c, bodies.size(), (ps, p, i) -> {
                ps.setLong(p, firstId + i);
                ps.setString(p + 1, queue);
                ps.setBytes(p + 2, bodies.body(i));
                ps.setInt(p + 3, 0);
                ps.setLong(p + 4, deliverAtMs);
                ps.setNull(p + 5, java.sql.Types.VARCHAR);
                ps.setLong(p + 6, now);
            });
            return null;
        });
    }

    /** Sets the 7 parameters of row {@code i}, starting at parameter {@code p}. */
    private interface RowBinder {
        void bind(PreparedStatement ps, int p, int i) throws SQLException;
    }

    private void insertRows(Connection c, int count, RowBinder binder) throws SQLException {
        // Multi-row statements: one statement per 100 rows instead of one per row.
        for (int from = 0; from < count; from += ROWS_PER_INSERT) {
            int rows = Math.min(ROWS_PER_INSERT, count - from);
            PreparedStatement ps = statement(c, "INSERT INTO messages(id, queue, body, attempts, deliver_at, last_error, "
                    + "created_at) VALUES " + String.join(",", java.util.Collections.nCopies(rows, "(?, ?, ?, ?, ?, ?, ?)")));
            for (int r = 0; r < rows; r++) {
                binder.bind(ps, 1 + r * 7, from + r);
            }
            ps.executeUpdate();
        }
    }

    @Override
    public void delete(IdRanges ids) {
        submit(c -> {
            // Acks come as runs of consecutive ids: one ranged DELETE per run.
            PreparedStatement ps = statement(c, "DELETE FROM messages WHERE id BETWEEN ? AND ?");
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
    public void recordFailure(long id, int attempts, String error, long deliverAtMs) {
        submit(c -> {
            PreparedStatement ps = statement(c, "UPDATE messages SET attempts = ?, last_error = ?, deliver_at = ? WHERE id = ?");
            ps.setInt(1, attempts);
            ps.setString(2, error);
            ps.setLong(3, deliverAtMs);
            ps.setLong(4, id);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public void moveToDead(String queue, StoredMessage m) {
        submit(c -> {
            PreparedStatement ps = statement(c, "UPDATE messages SET queue = ?, attempts = ?, last_error = ?, deliver_at = 0 WHERE id = ?");
            ps.setString(1, QueueStore.deadQueue(queue));
            ps.setInt(2, m.attempts());
            ps.setString(3, m.lastError());
            ps.setLong(4, m.id());
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public Counts counts(String queue) {
        return await(c -> {
            PreparedStatement ps = statement(c, "SELECT count(*) FROM messages WHERE queue = ?");
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
        return await(c -> {
            PreparedStatement ps = statement(c, COLUMNS + "WHERE queue = ? ORDER BY id LIMIT ?");
            ps.setString(1, queue);
            ps.setInt(2, limit);
            return read(ps);
        });
    }

    @Override
    public List<StoredMessage> requeueDead(String queue) {
        return await(c -> {
            PreparedStatement select = statement(c, COLUMNS + "WHERE queue = ? ORDER BY id");
            select.setString(1, QueueStore.deadQueue(queue));
            List<StoredMessage> dead = read(select);
            PreparedStatement ps = statement(c, "UPDATE messages SET queue = ?, attempts = 0, deliver_at = 0 WHERE queue = ?");
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
        return await(c -> {
            PreparedStatement ps = statement(c, "DELETE FROM messages WHERE queue = ?");
            ps.setString(1, queue);
            return ps.executeUpdate();
        });
    }

    /** Lets queued writes finish, then closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> last = new CompletableFuture<>();
        closed = true;
        ops.add(new Op<>(CLOSE, last));
        try {
            last.join();
            writer.join(5_000);
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            log.warn("closing the queue database {}: {}", file, e.toString());
        }
    }
}
