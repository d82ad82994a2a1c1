package io.procpool.internal.queue;

import io.procpool.internal.ipc.IpcConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the queue knows of one attached worker: its connection and the runs it holds
 * unacked ("flights"), keyed by first id so that an acked range finds its runs in log time.
 * A flight holds only unsettled messages: settling part of one splits it, so a message that
 * comes back to the same worker (released, failed) never meets a stale copy of itself.
 * Touched only under the queue engine's lock.
 */
final class Outlet {

    /** A run sent to this worker; {@code seq} is the dispatch order, kept by its pieces. */
    record Flight(MessageRun run, long seq) {}

    final long workerId;
    final int slot;
    final IpcConnection connection;
    private final TreeMap<Long, Flight> flights = new TreeMap<>();
    /** Unsettled messages in all flights. */
    int inFlight;

    boolean paused;
    /** It holds one suspect (a message a dead worker held) and gets nothing else until that is settled. */
    boolean holdsSuspect;

    Outlet(long workerId, int slot, IpcConnection connection) {
        this.workerId = workerId;
        this.slot = slot;
        this.connection = connection;
    }

    void add(Flight f) {
        flights.put(f.run().firstId(), f);
        inFlight += f.run().size();
    }

    /** The flight holding message {@code id}, or null. */
    Flight flightOf(long id) {
        Map.Entry<Long, Flight> e = flights.floorEntry(id);
        return e != null && id <= e.getValue().run().lastId() ? e.getValue() : null;
    }

    /** First id of the next flight after {@code id}, or -1. */
    long nextFlightAfter(long id) {
        Long k = flights.higherKey(id);
        return k == null ? -1 : k;
    }

    /** Messages {@code [a, b)} of flight {@code f} are settled: they leave it, and what is left stays in pieces. */
    void settle(Flight f, int a, int b) {
        MessageRun run = f.run();
        flights.remove(run.firstId());
        if (a > 0) {
            add(new Flight(run.slice(0, a), f.seq()));
        }
        if (b < run.size()) {
            add(new Flight(run.slice(b, run.size()), f.seq()));
        }
        inFlight -= run.size(); // the pieces were counted again by add
    }

    /** Flights in the order they were sent. */
    List<Flight> flightsInSendOrder() {
        List<Flight> list = new ArrayList<>(flights.values());
        list.sort(Comparator.comparingLong(Flight::seq)
                .thenComparingLong(f -> f.run().firstId()));
        return list;
    }
}
