package io.procpool.internal.queue;

import io.procpool.internal.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Opening the queue's SQLite file: private file modes, WAL and the durability pragma, the schema, and
 * the check that an existing file is a procpool queue (another application's database, or not SQLite
 * at all, is reported and never written to). Stateless; called once by {@link SqliteQueueStore#open}.
 */
final class SqliteQueueFile {

    /** The value of {@code procpool_meta.format}: changes when the schema does. */
    static final String FORMAT = "procpool-queue-1";

    private SqliteQueueFile() {}

    /** A connection in manual-commit mode on a database with the queue's schema. */
    static Connection open(Path file, Durability durability) {
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
            return c;
        } catch (SQLException e) {
            throw new QueueStoreException(describe(file, e), e);
        } catch (IOException e) {
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
            throw new QueueStoreException(
                    "the queue database " + file + " is not a procpool queue (format "
                            + (format == null ? "unknown, tables " + tables : format) + "); it was left untouched: "
                            + "point data_dir elsewhere or move the file away",
                    null);
        }
    }

    /** What went wrong with {@code file}, in words a user can act on. */
    static String describe(Path file, SQLException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("NOTADB") || m.contains("not a database") || m.contains("CORRUPT") || m.contains("malformed")) {
            return "the queue database " + file + " is corrupt or not an SQLite file (" + m + "); it was left "
                    + "untouched: restore it from a backup, or move it away to start an empty queue";
        }
        return "cannot use the queue database " + file + ": " + m;
    }
}
