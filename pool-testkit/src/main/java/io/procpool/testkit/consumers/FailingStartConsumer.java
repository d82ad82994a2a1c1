package io.procpool.testkit.consumers;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/** A test consumer whose {@code onStart} always throws: a worker that can never become ready. */
public class FailingStartConsumer implements Consumer {

    @Override
    public void onStart(WorkerContext ctx) {
        throw new IllegalStateException("cannot connect to the payment service (test failure)");
    }

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        throw new AssertionError("never called");
    }
}
