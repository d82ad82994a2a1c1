package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/**
 * The TCP example: replies to each frame with the same bytes. Run it with
 * {@code bin/pool start -c examples/tcp-echo/pool.yaml}.
 */
public class EchoConsumer implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        message.reply(message.body());
    }
}
