package io.procpool.internal.queue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * Group commit over one SQLite connection: every operation goes to one writer thread
 * ("queue-writer"), which takes all that is waiting (up to {@link #MAX_GROUP} operations), runs them in
 * one transaction, commits once, and only then completes their futures. Under load a commit therefore
 * carries thousands of pushes and acks; alone, one push commits at once.
 *
 * <p>Threads: any thread submits; only the writer thread touches the connection and its statements.
 */
final class SqliteWriter {

    private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);
    private static final int MAX_GROUP = 4096;

    /** Work for the writer thread, inside its current transaction. */
    interface Work<T> {
        T run(SqliteWriter w) throws SQLException;
    }

    private record Op<T>(Work<T> work, CompletableFuture<T> done) {}

    /** The last operation: the writer commits what came before it, then ends. */
    private static final Work<Void> CLOSE = w -> null;

    private final Path file;
    private final Connection connection;
    /** Prepared once per SQL text; writer thread only. */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private final BlockingQueue<Op<?>> ops = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** Set, with CLOSE queued, under {@code ops}' lock. */
    private boolean closed;

    SqliteWriter(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
        this.writer = Thread.ofPlatform().name("queue-writer").daemon().start(this::writeLoop);
    }

    /** The connection, for work running on the writer thread. */
    Connection connection() {
        return connection;
    }

    /** The statement for {@code sql}, prepared on first use. Writer thread only. */
    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Queues {@code work}; the future completes once the transaction that ran it has committed. */
    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        synchronized (ops) { // nothing may follow CLOSE: it would never run, and its future never complete
            if (closed) {
                done.completeExceptionally(new QueueStoreException("the queue store is closed", null));
                return done;
            }
            ops.add(new Op<>(work, done));
        }
        return done;
    }

    /** Runs {@code work} and waits for its commit; a failure is a {@link QueueStoreException} naming the file. */
    <T> T await(Work<T> work) {
        try {
            return submit(work).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r
                    ? r
                    : new QueueStoreException(
                            SqliteQueueFile.describe(
                                    file, e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause())),
                            e.getCause());
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
                    results.add(op.work().run(this));
                } catch (SQLException | RuntimeException e) {
                    results.add(e);
                }
            }
            SQLException commitFailure = null;
            try {
                connection.commit();
            } catch (SQLException e) {
                commitFailure = e;
                log.error("queue commit failed: {}", SqliteQueueFile.describe(file, e));
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

    /** Lets queued writes finish, then closes the connection. */
    void close() {
        CompletableFuture<Void> last = new CompletableFuture<>();
        synchronized (ops) {
            if (closed) {
                return;
            }
            closed = true;
            ops.add(new Op<>(CLOSE, last));
        }
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
