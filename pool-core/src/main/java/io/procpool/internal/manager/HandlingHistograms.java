package io.procpool.internal.manager;

import io.procpool.internal.ipc.HandlingTimes;
import java.util.HashMap;
import java.util.Map;

/**
 * Each group's handling-time histogram, merged from what its workers report: the times an ACK frame
 * carries once the manager has settled its acks, and the growth of the running total a heartbeat
 * carries for messages of a worker's own source. Only ever grows, so a dead worker lowers nothing.
 * IPC reader threads add; the HTTP endpoint's threads read.
 */
final class HandlingHistograms {

    private final Map<String, HandlingTimes> byGroup = new HashMap<>();

    /** Adds {@code times} to {@code group}'s histogram. */
    synchronized void add(String group, HandlingTimes times) {
        if (times.count() > 0) {
            byGroup.computeIfAbsent(group, g -> new HandlingTimes()).add(times);
        }
    }

    /** A copy of {@code group}'s histogram (empty when nothing was reported yet). */
    synchronized HandlingTimes of(String group) {
        HandlingTimes t = byGroup.get(group);
        return t == null ? new HandlingTimes() : t.copy();
    }
}
