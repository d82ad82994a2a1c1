package io.procpool.internal.manager;

import io.procpool.internal.ipc.FrameType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The frames the manager's IPC readers received from workers, by type, since it started: for {@code
 * procpool_ipc_frames_received_total}. A frame carries a batch, so this counts the manager's reads, not
 * messages. IPC reader threads add; the HTTP endpoint reads.
 */
final class IpcFrameCounts {

    private final Map<FrameType, LongAdder> byType = new EnumMap<>(FrameType.class);

    IpcFrameCounts() {
        for (FrameType t : FrameType.values()) {
            byType.put(t, new LongAdder());
        }
    }

    void received(FrameType type) {
        byType.get(type).increment();
    }

    long count(FrameType type) {
        return byType.get(type).sum();
    }
}
