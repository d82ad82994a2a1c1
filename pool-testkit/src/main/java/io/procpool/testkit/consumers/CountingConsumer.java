package io.procpool.testkit.consumers;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/** A test consumer that does nothing with its messages: the pool's own counters are what a test reads. */
public class CountingConsumer implements Consumer {
    @Override
    public void onMessage(Message message, WorkerContext ctx) {}
}
