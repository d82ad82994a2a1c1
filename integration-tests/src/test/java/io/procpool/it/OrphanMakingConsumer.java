package io.procpool.it;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/**
 * A consumer whose every message leaves an orphan behind: a shell that starts {@code sleep} in the
 * background and exits at once, so the sleep is handed to PID 1, which must reap it when it ends.
 * {@code app.orphan_sleep} is how long each orphan lives, in seconds. Run by {@link Pid1Test}'s workers.
 */
public class OrphanMakingConsumer implements Consumer {

    @Override
    public void onMessage(Message m, WorkerContext ctx) throws Exception {
        String seconds = ctx.config().getOrDefault("app.orphan_sleep", "2");
        Process shell = new ProcessBuilder("sh", "-c", "sleep " + seconds + " > /dev/null 2>&1 &").start();
        if (shell.waitFor() != 0) {
            throw new IllegalStateException("sh exited with " + shell.exitValue());
        }
    }
}
