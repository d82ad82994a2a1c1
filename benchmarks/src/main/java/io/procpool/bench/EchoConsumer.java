package io.procpool.bench;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/** The TCP benchmark's consumer: replies with the request's body. */
public final class EchoConsumer implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        message.reply(message.body());
    }
}
