package io.procpool.bench;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/** Does nothing with each message: what is measured is procpool's own path. */
public final class NoopConsumer implements Consumer {
    @Override
    public void onMessage(Message message, WorkerContext ctx) {}
}
