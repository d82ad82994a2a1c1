package io.procpool.internal.worker;

import io.procpool.WorkerContext;
import io.procpool.internal.config.WorkerSettings;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.WorkerReports;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/** The {@link WorkerContext} of a worker connected to its manager. Safe from any thread. */
final class ConnectedWorkerContext implements WorkerContext {

    private final int slot;
    private final WorkerSettings settings;
    /** The configuration the consumer sees. */
    private final Map<String, String> config;

    private final ManagerLink link;
    private final BooleanSupplier stopping;
    private final Logger logger;

    ConnectedWorkerContext(
            int slot, WorkerSettings settings, ManagerLink link, BooleanSupplier stopping, Logger logger) {
        this.slot = slot;
        this.settings = settings;
        this.config = settings.consumerView();
        this.link = link;
        this.stopping = stopping;
        this.logger = logger;
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public Map<String, String> config() {
        return config;
    }

    @Override
    public boolean isStopping() {
        return stopping.getAsBoolean();
    }

    @Override
    public void send(int targetSlot, byte[] body) {
        if (targetSlot < 0) {
            throw new IllegalArgumentException("slot must be >= 0, but was " + targetSlot);
        }
        sendFrame(FrameType.SEND, new WorkerReports.Send(targetSlot, body.clone()).encode());
    }

    @Override
    public void push(String queue, byte[] body) {
        String served = settings.poolQueue();
        if (served == null) {
            throw new IllegalStateException("ctx.push needs the built-in queue, but this pool's source is "
                    + settings.sourceType() + ": give the message to that source instead");
        }
        if (!served.equals(queue)) {
            throw new IllegalArgumentException("this pool serves queue \"" + served + "\", not \"" + queue + "\"");
        }
        sendFrame(FrameType.PUSH, new WorkerReports.Push(queue, body.clone()).encode());
    }

    @Override
    public CompletableFuture<byte[]> task(String group, byte[] body) {
        return link.tasks().call(group, body);
    }

    private void sendFrame(FrameType type, byte[] payload) {
        link.sendForConsumer(type, payload);
    }

    @Override
    public Logger logger() {
        return logger;
    }
}
