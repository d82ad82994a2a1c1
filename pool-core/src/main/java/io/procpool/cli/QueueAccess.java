package io.procpool.cli;

import io.procpool.PoolControl.NotRunningException;
import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.PoolLayout;
import io.procpool.internal.control.ControlClient;
import io.procpool.internal.manager.RunDirectory;
import io.procpool.internal.queue.Durability;
import io.procpool.internal.queue.QueueStore;
import io.procpool.internal.queue.QueueStores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a CLI command reaches a pool's queue: through the running manager, which owns it, or,
 * when no manager runs, directly in the queue database while holding the run directory's lock
 * (so that no manager can start meanwhile and miss what was written). This is what lets
 * {@code pool push} fill a stopped pool's queue, as a System V queue can be filled with no
 * reader. One use per command; the CLI thread.
 */
final class QueueAccess {

    /** Work done through the running manager. */
    interface ViaPool<T> {
        T run(ControlClient client) throws IOException;
    }

    /** Work done directly on the queue database of a stopped pool. */
    interface Direct<T> {
        T run(QueueStore store, PoolConfig config) throws IOException;
    }

    private QueueAccess() {}

    /**
     * Runs {@code viaPool} on the running manager, or {@code direct} on the stopped pool's database, with the
     * configuration of the group that reads {@code queue} (null: the first group that reads one).
     */
    static <T> T run(PoolOptions options, String queue, ViaPool<T> viaPool, Direct<T> direct)
            throws IOException, InterruptedException {
        Path runDir = options.runDir();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            try (ControlClient client = ControlClient.connect(runDir)) {
                return viaPool.run(client);
            } catch (NotRunningException notRunning) {
                try (AutoCloseable lock = RunDirectory.lockIfIdle(runDir)) {
                    if (lock != null) {
                        return runDirect(options, queue, direct);
                    }
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
                // A manager holds the lock but does not answer yet: it is starting.
                if (System.nanoTime() > deadline) {
                    throw new NotRunningException("a manager holds " + runDir + " but does not answer; "
                            + "is it starting or stuck? (pid " + RunDirectory.readPid(runDir) + ")");
                }
                Thread.sleep(100);
            }
        }
    }

    private static <T> T runDirect(PoolOptions options, String queue, Direct<T> direct) throws IOException {
        Path configFile = options.configFile();
        if (configFile == null) {
            throw new NotRunningException("no pool is running on " + options.runDir() + ", and without its "
                    + "configuration (-c FILE) the queue database cannot be found");
        }
        PoolLayout layout = ConfigLoader.loadLayout(configFile, System.getenv(), java.util.Map.of());
        List<PoolConfig> readers = layout.groups().stream()
                .filter(g ->
                        g.queue() != null && (queue == null || g.queueName().equals(queue)))
                .toList();
        if (readers.isEmpty()) {
            throw new NotRunningException(
                    queue == null || layout.groups().stream().allMatch(g -> g.queue() == null)
                            ? "the pool's source is " + layout.first().sourceType() + ", not the built-in queue"
                            : "no group of the pool reads queue " + queue);
        }
        PoolConfig config = readers.get(0);
        if (config.queue().durability() == Durability.NONE) {
            throw new NotRunningException("no pool is running on " + options.runDir() + ", and its queue "
                    + "(durability none) lives only in a running manager's memory: start the pool first");
        }
        try (QueueStore store =
                QueueStores.open(config.queueDatabase(), config.queue().durability())) {
            return direct.run(store, config);
        }
    }
}
