package io.procpool.tcp;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one TCP listener for {@code pool status}; updated from event-loop threads, read from any. */
final class TcpStats {

    /** Why a connection was closed by us. */
    enum Closed {
        FRAME_TOO_LARGE,
        BAD_LENGTH,
        ZERO_LENGTH,
        STALLED_MID_FRAME,
        HALF_CLOSED_MID_FRAME,
        OVER_MAX_CONNECTIONS,
        IDLE
    }

    final AtomicLong open = new AtomicLong();
    final LongAdder accepted = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder errorReplies = new LongAdder();
    private final Map<Closed, LongAdder> closed = new EnumMap<>(Closed.class);

    TcpStats() {
        for (Closed c : Closed.values()) {
            closed.put(c, new LongAdder());
        }
    }

    void closed(Closed why) {
        closed.get(why).increment();
    }

    long closedFor(Closed why) {
        return closed.get(why).sum();
    }

    Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connections", open.get());
        m.put("connections_accepted", accepted.sum());
        m.put("frames_in", framesIn.sum());
        m.put("frames_out", framesOut.sum());
        m.put("error_replies", errorReplies.sum());
        Map<String, Object> errors = new LinkedHashMap<>();
        for (Closed c : Closed.values()) {
            errors.put(c.name().toLowerCase(java.util.Locale.ROOT), closedFor(c));
        }
        m.put("closed_for", errors);
        return m;
    }
}
