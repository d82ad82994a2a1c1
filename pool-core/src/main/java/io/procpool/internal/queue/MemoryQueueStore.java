package io.procpool.internal.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The store of {@code durability: none}: live messages exist only in the dispatcher's memory,
 * and this store keeps just the dead letters, so they can be inspected and requeued. Nothing
 * survives the manager. Thread-safe (synchronized).
 */
public final class MemoryQueueStore implements QueueStore {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final Map<String, List<StoredMessage>> dead = new HashMap<>();

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public List<StoredMessage> load(String queue) {
        return List.of();
    }

    @Override
    public List<StoredMessage> loadAfter(String queue, long id) {
        return List.of();
    }

    @Override
    public long maxId() {
        return 0;
    }

    @Override
    public CompletableFuture<Void> insert(String queue, List<StoredMessage> messages) {
        return DONE;
    }

    @Override
    public CompletableFuture<Void> insert(String queue, long firstId, Bodies bodies, long deliverAtMs) {
        return DONE;
    }

    @Override
    public void delete(IdRanges ids) {}

    @Override
    public void recordFailure(long id, int failures, String error, long deliverAtMs) {}

    @Override
    public synchronized void moveToDead(String queue, StoredMessage message) {
        dead.computeIfAbsent(queue, q -> new ArrayList<>()).add(message);
    }

    @Override
    public synchronized Counts counts(String queue) {
        return new Counts(0, dead.getOrDefault(queue, List.of()).size());
    }

    @Override
    public synchronized List<StoredMessage> peek(String queue, int limit) {
        String live = queue.endsWith(".dead") ? queue.substring(0, queue.length() - 5) : null;
        List<StoredMessage> list = live == null ? List.of() : dead.getOrDefault(live, List.of());
        return List.copyOf(list.subList(0, Math.min(limit, list.size())));
    }

    @Override
    public synchronized List<StoredMessage> requeueDead(String queue) {
        List<StoredMessage> moved = dead.remove(queue);
        return moved == null ? List.of() : moved;
    }

    @Override
    public int purge(String queue) {
        return 0;
    }

    @Override
    public void close() {}
}
