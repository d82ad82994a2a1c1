package io.procpool.internal.manager;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.internal.control.StatusCodec;
import io.procpool.internal.queue.BuiltInQueue;
import io.procpool.internal.queue.IdRanges;
import io.procpool.internal.queue.PushRefusedException;
import io.procpool.internal.queue.QueueEngine;
import io.procpool.internal.queue.QueueRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code control.sock}: one JSON object per line in, one per line out
 * ({@code {"command":"status"}} → {@code {"ok":true,…}}), so that a shell with {@code socat}
 * can drive a pool as well as the CLI. Pushes and queue commands go to the {@link BuiltInQueue} (the
 * queue the request names, or the first); everything else goes to the groups' supervisors and waits
 * for their answer.
 *
 * <p>Threads: one "control-accept" thread and one virtual thread per client connection.
 */
final class ControlServer {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final long ANSWER_TIMEOUT_SECONDS = 10;

    private final ServerSocketChannel server;
    private final GroupSupervisors supervisors;
    /** The built-in queue, or null when no group reads it. */
    private final BuiltInQueue queue;

    private final String sourceType;
    private final ObjectMapper json = new ObjectMapper();
    /** Requests read and not yet answered: the manager waits for them before it exits. */
    private final AtomicInteger unanswered = new AtomicInteger();

    ControlServer(ServerSocketChannel server, GroupSupervisors supervisors, BuiltInQueue queue, String sourceType) {
        this.server = server;
        this.supervisors = supervisors;
        this.queue = queue;
        this.sourceType = sourceType;
    }

    /** Why a pool whose source is {@code sourceType} refuses pushes and queue commands. */
    static String noQueue(String sourceType) {
        return "this pool's source is " + sourceType + ", not the built-in queue: pool push, pool queue and ctx.push "
                + "work only with source.type queue (give the messages to " + sourceType + " instead)";
    }

    void start() {
        SocketAcceptor.start(server, "control", true, this::serve);
    }

    private void serve(SocketChannel ch) {
        try (ch;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch)) {
            String line;
            while ((line = in.readLine()) != null) {
                unanswered.incrementAndGet();
                try {
                    Map<String, Object> answer = answer(line);
                    out.write(json.writeValueAsBytes(answer));
                    out.write('\n');
                    out.flush();
                } finally {
                    unanswered.decrementAndGet();
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /**
     * Waits (bounded) until every request read so far has been answered: {@code pool stop}
     * must get its answer even when the pool stops at once because no worker was running.
     */
    void awaitAnswered(long maxMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxMillis;
        while (unanswered.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> answer(String line) {
        Map<String, Object> request;
        try {
            request = json.readValue(line, Map.class);
        } catch (IOException e) {
            return Map.of("ok", false, "error", "not a JSON object: " + e.getMessage());
        }
        Object name = request.get("command");
        if (!(name instanceof String command)) {
            return Map.of("ok", false, "error", "missing \"command\"");
        }
        if (command.equals("push") || command.startsWith("queue_")) {
            if (queue == null) {
                return Map.of("ok", false, "error", noQueue(sourceType));
            }
            return command.equals("push") ? push(request) : queueCommand(command, request);
        }
        ControlCommand parsed;
        try {
            parsed = ControlCommand.parse(command, request);
        } catch (IllegalArgumentException e) {
            return Map.of("ok", false, "error", e.getMessage());
        }
        CompletableFuture<Map<String, Object>> reply = supervisors.command(parsed);
        try {
            return reply.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("ok", false, "error", "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            log.warn("control command {} got no answer: {}", command, e.toString());
            return Map.of(
                    "ok", false, "error", "the supervisor did not answer within " + ANSWER_TIMEOUT_SECONDS + " s");
        }
    }

    /** {@code {"command":"push","queue":"default","bodies_base64":[...],"delay_ms":0}}: answers after the commit. */
    private Map<String, Object> push(Map<String, Object> request) {
        Object queueName = request.getOrDefault("queue", "default");
        Object bodies = request.get("bodies_base64");
        if (!(bodies instanceof List<?> list)) {
            return Map.of("ok", false, "error", "push needs \"bodies_base64\": a list of base64 strings");
        }
        long delayMs = request.get("delay_ms") instanceof Number n ? n.longValue() : 0;
        List<byte[]> decoded = new ArrayList<>(list.size());
        try {
            for (Object b : list) {
                decoded.add(Base64.getDecoder().decode(String.valueOf(b)));
            }
            long first = queue.push(String.valueOf(queueName), decoded, delayMs);
            return Map.of("ok", true, "ids", IdRanges.asText(first, decoded.size()));
        } catch (IllegalArgumentException e) {
            return Map.of("ok", false, "error", "a body is not valid base64: " + e.getMessage());
        } catch (PushRefusedException e) {
            return Map.of("ok", false, "error", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("ok", false, "error", "interrupted");
        } catch (RuntimeException e) {
            return Map.of("ok", false, "error", "the queue could not store the messages: " + e.getMessage());
        }
    }

    /** The {@code pool queue} commands, answered by the queue engine, which owns the messages. */
    private Map<String, Object> queueCommand(String command, Map<String, Object> request) {
        Object name = request.get("queue");
        QueueEngine queue = name == null ? this.queue.first() : this.queue.engine(String.valueOf(name));
        if (queue == null) {
            return Map.of(
                    "ok",
                    false,
                    "error",
                    "no group of this pool reads queue " + name + " (its queues: "
                            + String.join(", ", this.queue.names()) + ")");
        }
        return switch (command) {
            case "queue_stats" -> Map.of("ok", true, "queue", StatusCodec.queue(queue.stats()));
            case "queue_peek" -> {
                boolean dead = Boolean.TRUE.equals(request.get("dead"));
                int limit = request.get("limit") instanceof Number n ? n.intValue() : 10;
                yield Map.of("ok", true, "messages", QueueRows.of(queue.peek(dead, limit)));
            }
            case "queue_requeue_dead" ->
                Map.of("ok", true, "message", queue.requeueDead() + " dead letter(s) requeued");
            case "queue_purge" -> Map.of("ok", true, "message", queue.purge() + " message(s) purged");
            default -> Map.of("ok", false, "error", "unknown command " + command);
        };
    }
}
