package io.procpool.internal.manager;

import io.procpool.internal.ipc.IpcConnection;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dispatcher knows of one attached worker: its connection and the runs it holds
 * unacked ("flights"), keyed by first id so that an acked range finds its runs in log time.
 * Touched only under the dispatcher's lock.
 */
final class Outlet {

    /** A run sent to this worker, and which of its messages are settled (acked, failed, released). */
    static final class Flight {
        final MessageRun run;
        /** Dispatch order, so a dead worker's messages go back in the order they were sent. */
        final long seq;
        /** Null while nothing is settled: the common case of a run acked whole costs no bitmap. */
        BitSet settled;
        int remaining;

        Flight(MessageRun run, long seq) {
            this.run = run;
            this.seq = seq;
            this.remaining = run.size();
        }

        boolean isSettled(int i) {
            return settled != null && settled.get(i);
        }

        /** Marks {@code [a, b)} settled; the caller has checked they were not. */
        void settle(int a, int b) {
            remaining -= b - a;
            if (remaining == 0) {
                return;
            }
            if (settled == null) {
                settled = new BitSet(run.size());
            }
            settled.set(a, b);
        }

        /** The end of the unsettled stretch that starts at {@code a} (at most {@code limit}). */
        int unsettledUntil(int a, int limit) {
            if (settled == null) {
                return limit;
            }
            int next = settled.nextSetBit(a);
            return next < 0 ? limit : Math.min(next, limit);
        }

        /** The first unsettled message at or after {@code a} (at most {@code limit}). */
        int nextUnsettled(int a, int limit) {
            if (settled == null) {
                return Math.min(a, limit);
            }
            return Math.min(settled.nextClearBit(a), limit);
        }
    }

    final long workerId;
    final int slot;
    final IpcConnection connection;
    final TreeMap<Long, Flight> flights = new TreeMap<>();
    /** Unsettled messages in all flights. */
    int inFlight;
    boolean paused;

    Outlet(long workerId, int slot, IpcConnection connection) {
        this.workerId = workerId;
        this.slot = slot;
        this.connection = connection;
    }

    void add(Flight f) {
        flights.put(f.run.firstId(), f);
        inFlight += f.remaining;
    }

    /** The flight holding message {@code id}, or null. */
    Flight flightOf(long id) {
        Map.Entry<Long, Flight> e = flights.floorEntry(id);
        return e != null && id <= e.getValue().run.lastId() ? e.getValue() : null;
    }

    /** First id of the next flight after {@code id}, or -1. */
    long nextFlightAfter(long id) {
        Long k = flights.higherKey(id);
        return k == null ? -1 : k;
    }

    /** Flights in the order they were sent. */
    List<Flight> flightsInSendOrder() {
        List<Flight> list = new ArrayList<>(flights.values());
        list.sort(Comparator.comparingLong(f -> f.seq));
        return list;
    }
}
