package io.procpool.internal.queue;

import io.procpool.internal.ipc.Deliveries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deals ready messages to the workers with credit ({@code prefetch} unacked at most each): each gets at
 * most its share of what is ready, so that a trickle spreads over the pool, and at most its free credit,
 * so that a flood fills every window, in one contiguous batch per worker; the first worker dealt to turns
 * with each round. While suspects wait, they go first, one to each worker holding nothing else, and no
 * ready message is dealt. No locks and no I/O: it works on a {@link QueueState} its caller has locked.
 * Not thread-safe.
 */
final class CreditDealer {

    /** Messages per DELIVER frame at most: large enough to amortize a syscall, small enough to spread load. */
    static final int MAX_BATCH = 1024;

    static final long MAX_BATCH_BYTES = 4 << 20;

    private long round;

    /** Whether {@link #deal} would deal anything now. */
    boolean canDeal(QueueState q, int prefetch) {
        for (Outlet o : q.outlets.values()) {
            if (!o.paused && (q.suspects.isEmpty() ? q.readyCount > 0 && o.inFlight < prefetch : o.inFlight == 0)) {
                return true;
            }
        }
        return false;
    }

    /** Takes what can be sent now from {@code q}, as runs per worker, and records them as its flights. */
    Map<Outlet, List<Deliveries.Run>> deal(QueueState q, int prefetch) {
        Map<Outlet, List<Deliveries.Run>> batches = new LinkedHashMap<>();
        if (!q.suspects.isEmpty()) {
            dealSuspects(q, batches);
            return batches;
        }
        List<Outlet> open = new ArrayList<>();
        for (Outlet o : q.outlets.values()) {
            if (!o.paused && o.inFlight < prefetch) {
                open.add(o);
            }
        }
        if (open.isEmpty()) {
            return batches;
        }
        int start = (int) (round++ % open.size());
        long share = Math.max(1, (q.readyCount + open.size() - 1) / open.size());
        for (int k = 0; k < open.size() && !q.ready.isEmpty(); k++) {
            Outlet o = open.get((start + k) % open.size());
            int take = (int) Math.min(Math.min(share, MAX_BATCH), prefetch - o.inFlight);
            List<Deliveries.Run> batch = new ArrayList<>(2);
            long bytes = 0;
            int taken = 0;
            while (taken < take && !q.ready.isEmpty()) {
                MessageRun head = q.ready.peekFirst();
                int n = fitting(head, Math.min(head.size(), take - taken), MAX_BATCH_BYTES - bytes);
                if (n == 0) {
                    if (taken > 0) {
                        break;
                    }
                    n = 1; // a message larger than a batch still goes, alone
                }
                q.ready.pollFirst();
                q.readyCount -= n;
                if (n < head.size()) {
                    q.ready.addFirst(head.slice(n, head.size()));
                }
                batch.add(send(q, o, head.slice(0, n)));
                bytes += head.bytes(0, n);
                taken += n;
            }
            if (!batch.isEmpty()) {
                batches.put(o, batch);
            }
        }
        return batches;
    }

    /** Gives one suspect to each worker that holds nothing, and nothing else until it is settled. */
    private static void dealSuspects(QueueState q, Map<Outlet, List<Deliveries.Run>> batches) {
        for (Outlet o : q.outlets.values()) {
            if (q.suspects.isEmpty()) {
                return;
            }
            if (!o.paused && o.inFlight == 0) {
                o.holdsSuspect = true;
                batches.put(o, List.of(send(q, o, q.suspects.pollFirst())));
            }
        }
    }

    /** Records {@code run} as sent to {@code o} (its next delivery) and returns it as a run of a frame. */
    private static Deliveries.Run send(QueueState q, Outlet o, MessageRun run) {
        MessageRun sent = run.nextAttempt();
        o.add(new Outlet.Flight(sent, q.flightSeq++));
        return new Deliveries.Run(sent.firstId(), sent.attempt(), sent.bodies(), sent.from(), sent.to());
    }

    /** How many of the first {@code max} messages of {@code run} fit in {@code budget} bytes. */
    private static int fitting(MessageRun run, int max, long budget) {
        if (run.bytes(0, max) <= budget) {
            return max;
        }
        int lo = 0;
        int hi = max; // bytes(0, lo) fits, bytes(0, hi) does not
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (run.bytes(0, mid) <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
