package io.procpool.bench;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis benchmark's fresh-process baseline, one consumer per process, as a pool worker is one:
 * a plain lettuce loop on {@code args[0]} (URI), {@code args[1]} ({@code list}: RPOP 100 at a time,
 * no acks; {@code stream}: XREADGROUP COUNT 256 BLOCK 1000 in group {@code args[3]} as consumer
 * {@code args[4]}, then XACK of what it read) on key {@code args[2]}. Prints {@code ready} once
 * connected; runs until the process is ended (15 minutes at most). Main thread only.
 */
public final class PlainRedisLoop {

    @SuppressWarnings("unchecked") // one stream offset through lettuce's generic varargs
    public static void main(String[] args) throws InterruptedException {
        RedisClient client = RedisClient.create(args[0]);
        String key = args[2];
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            r.ping();
            System.out.println("ready");
            System.out.flush();
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos(); // bounded, should its parent vanish
            Consumer<String> me = args[1].equals("stream") ? Consumer.from(args[3], args[4]) : null;
            while (System.nanoTime() < deadline) {
                if (args[1].equals("list")) {
                    if (r.rpop(key, 100).isEmpty()) {
                        Thread.sleep(1);
                    }
                } else {
                    List<StreamMessage<String, String>> got = r.xreadgroup(
                            me, XReadArgs.Builder.count(256).block(1_000), XReadArgs.StreamOffset.lastConsumed(key));
                    if (!got.isEmpty()) {
                        r.xack(
                                key,
                                me.getGroup(),
                                got.stream().map(StreamMessage::getId).toArray(String[]::new));
                    }
                }
            }
        } finally {
            client.shutdown();
        }
    }

    /** Starts 2 {@link PlainRedisLoop} processes and waits until both are connected. */
    static List<Process> start(String url, List<String> jvmOptions, String mode, String key, String... group)
            throws Exception {
        List<Process> loops = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            List<String> command = new ArrayList<>(List.of(BenchPool.JAVA));
            command.addAll(jvmOptions);
            command.addAll(List.of(
                    "-cp", System.getProperty("java.class.path"), PlainRedisLoop.class.getName(), url, mode, key));
            if (group.length > 0) {
                command.addAll(List.of(group[0], "c" + i));
            }
            loops.add(new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start());
        }
        for (Process p : loops) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            if (!"ready".equals(out.readLine())) {
                stop(loops);
                throw new IllegalStateException("a plain loop did not start");
            }
        }
        return loops;
    }

    static void stop(List<Process> loops) throws InterruptedException {
        for (Process p : loops) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
