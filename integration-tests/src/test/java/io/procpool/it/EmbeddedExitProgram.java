package io.procpool.it;

import io.procpool.ConsumerPool;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A program that embeds a pool and calls {@code System.exit} without closing it:
 * {@code EmbeddedExitProgram <dir>} prints {@code WORKERS <pid> <pid>} once both workers are ready,
 * then exits. Its pool records under {@code <dir>/records}.
 */
public final class EmbeddedExitProgram {

    private EmbeddedExitProgram() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ConsumerPool pool = ConsumerPool.builder(RecordingConsumer.class)
                .workers(2)
                .runDir(dir.resolve("run"))
                .set("app.record_dir", dir.resolve("records").toString())
                .start();
        pool.awaitReady(Duration.ofSeconds(30));
        StringBuilder line = new StringBuilder("WORKERS");
        pool.status().readyPids().forEach(pid -> line.append(' ').append(pid));
        System.out.println(line);
        System.exit(0);
    }
}
