package io.procpool.testkit;

import io.procpool.ConsumerPool;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A program that embeds a pool whose handler is a lambda, a static method reference or a bound
 * method reference: {@code EmbeddedPoolProgram <dir> lambda|static|bound}. It pushes 10 messages,
 * waits until they are acked, prints {@code EMBEDDED DONE <acked>} and stops. Its workers re-run
 * this main; each handled message is appended to {@code <dir>/handled-<pid>.log}.
 */
public final class EmbeddedPoolProgram {

    private final Path dir;

    private EmbeddedPoolProgram(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        EmbeddedPoolProgram program = new EmbeddedPoolProgram(dir);
        ConsumerPool.Builder builder = switch (args[1]) {
            case "lambda" -> ConsumerPool.builder((m, ctx) -> record(dir, m, ctx));
            case "static" -> ConsumerPool.builder(EmbeddedPoolProgram::handleStatic);
            case "bound" -> ConsumerPool.builder(program::handle);
            default -> throw new IllegalArgumentException("style must be lambda, static or bound, but was " + args[1]);
        };
        try (ConsumerPool pool = builder.workers(2).runDir(dir.resolve("run")).start()) {
            pool.awaitReady(Duration.ofSeconds(30));
            for (int i = 0; i < 10; i++) {
                pool.push("m" + i);
            }
            long acked = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked < 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                acked = pool.status().queue().acked();
            }
            System.out.println("EMBEDDED DONE " + acked);
        }
    }

    private static void handleStatic(Message m, WorkerContext ctx) {
        record(Path.of(System.getProperty("sun.java.command").split(" ")[1]), m, ctx);
    }

    private void handle(Message m, WorkerContext ctx) {
        record(dir, m, ctx);
    }

    private static void record(Path dir, Message m, WorkerContext ctx) {
        try {
            Files.writeString(
                    dir.resolve("handled-" + ctx.pid() + ".log"),
                    m.bodyAsString() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
