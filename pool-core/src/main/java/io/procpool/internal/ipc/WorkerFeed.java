package io.procpool.internal.ipc;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.ipc.Outcomes.Outcome;
import java.util.List;

/**
 * What feeds READY workers in a manager-fed pool: the built-in queue's feed, or the router of a
 * manager-run source (TCP in process mode). The supervisor tells it which workers come and go;
 * IPC readers hand it outcomes and replies.
 */
public interface WorkerFeed {

    /**
     * The feed of a pool whose workers run their own source (Redis, Kafka, TCP base mode) or loop: nothing
     * to feed. Tests override what they need.
     */
    class Idle implements WorkerFeed {
        @Override
        public void attach(long workerId, int slot, IpcConnection connection) {}

        @Override
        public void pause(long workerId) {}

        @Override
        public void detach(long workerId, String why, boolean messageFault) {}

        @Override
        public long settle(long workerId, List<Outcome> outcomes) {
            return 0;
        }

        @Override
        public void stopIntake() {}
    }

    /** A READY worker starts receiving messages. Supervisor thread. */
    void attach(long workerId, int slot, IpcConnection connection);

    /** The worker gets no new messages (stopping, recycling). Supervisor thread. */
    void pause(long workerId);

    /** The worker is gone; {@code messageFault} when its death may be its message's fault. Supervisor thread. */
    void detach(long workerId, String why, boolean messageFault);

    /** Outcomes from the worker's ACK frame; returns how many acked deliveries it settled. IPC reader thread. */
    long settle(long workerId, List<Outcome> outcomes);

    /** A reply the worker's consumer sent for delivery {@code tag}. IPC reader thread. */
    default void reply(long workerId, long tag, byte[] body) {}

    /** A graceful stop began: send nothing more. Supervisor thread. */
    void stopIntake();

    /** A reload applies {@code next} (its restart-only settings are those running). Supervisor thread. */
    default void reconfigure(PoolConfig next) {}
}
