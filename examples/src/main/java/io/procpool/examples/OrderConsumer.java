package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/**
 * Handles orders from the Kafka source ({@code source.type: kafka}): the pool polls, commits and
 * dead-letters; this class only handles one record. An order "refuse" throws, so that it goes to the
 * dead-letter topic after its retries. One instance per worker; runs on the worker's delivery threads.
 */
public final class OrderConsumer implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        String order = message.bodyAsString();
        if (order.equals("refuse")) {
            throw new IllegalArgumentException("order refused");
        }
        ctx.logger()
                .info(
                        "order {} (key {}) from {} as {}",
                        order,
                        message.headers().get("kafka.key"),
                        message.source(),
                        message.id());
    }
}
