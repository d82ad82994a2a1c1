package io.procpool.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.procpool.internal.ExitCode;
import io.procpool.internal.queue.QueueRows;
import io.procpool.internal.queue.QueueStore;
import java.io.Console;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pool queue stats|peek|requeue-dead|purge}: inspect and repair the built-in queue,
 * through the running manager or, when the pool is stopped, in its database.
 */
@Command(
        name = "queue",
        description = "Inspect and repair the built-in queue.",
        subcommands = {
            QueueCommand.Stats.class,
            QueueCommand.Peek.class,
            QueueCommand.RequeueDead.class,
            QueueCommand.Purge.class
        })
final class QueueCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static int print(Map<String, Object> answer) throws Exception {
        if (!Boolean.TRUE.equals(answer.get("ok"))) {
            System.err.println("pool queue: " + answer.get("error"));
            return ExitCode.FAILED;
        }
        Object message = answer.get("message");
        if (message != null) {
            System.out.println(message);
        } else {
            Map<String, Object> body = new LinkedHashMap<>(answer);
            body.remove("ok");
            System.out.println(JSON.writeValueAsString(
                    body.size() == 1 ? body.values().iterator().next() : body));
        }
        return ExitCode.OK;
    }

    @Command(name = "stats", description = "Depth, delayed, in flight, dead letters, counters.")
    static final class Stats implements Callable<Integer> {
        @Mixin
        PoolOptions options;

        @Mixin
        QueueChoice choice;

        @Override
        public Integer call() throws Exception {
            return print(QueueAccess.run(
                    options, choice.queue, c -> c.call(choice.request("queue_stats")), (store, config) -> {
                        QueueStore.Counts counts = store.counts(config.queueName());
                        Map<String, Object> q = new LinkedHashMap<>();
                        q.put("name", config.queueName());
                        q.put("running", false);
                        q.put("live", counts.live());
                        q.put("dead", counts.dead());
                        return Map.of("ok", true, "queue", q);
                    }));
        }
    }

    @Command(name = "peek", description = "Show the oldest waiting messages (or dead letters).")
    static final class Peek implements Callable<Integer> {
        @Mixin
        PoolOptions options;

        @Mixin
        QueueChoice choice;

        @Option(names = "--dead", description = "Show dead letters, with their last error.")
        boolean dead;

        @Option(
                names = {"-n", "--limit"},
                defaultValue = "10",
                description = "How many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            return print(QueueAccess.run(
                    options,
                    choice.queue,
                    c -> c.call(choice.request("queue_peek", "dead", dead, "limit", limit)),
                    (store, config) -> Map.of(
                            "ok",
                            true,
                            "messages",
                            QueueRows.of(store.peek(
                                    dead ? QueueStore.deadQueue(config.queueName()) : config.queueName(), limit)))));
        }
    }

    @Command(name = "requeue-dead", description = "Move every dead letter back to the queue, its failure count reset.")
    static final class RequeueDead implements Callable<Integer> {
        @Mixin
        PoolOptions options;

        @Mixin
        QueueChoice choice;

        @Override
        public Integer call() throws Exception {
            return print(QueueAccess.run(
                    options,
                    choice.queue,
                    c -> c.call(choice.request("queue_requeue_dead")),
                    (store, config) -> Map.of(
                            "ok",
                            true,
                            "message",
                            store.requeueDead(config.queueName()).size() + " dead letter(s) requeued")));
        }
    }

    @Command(name = "purge", description = "Delete every waiting message (not those in flight, not dead letters).")
    static final class Purge implements Callable<Integer> {
        @Mixin
        PoolOptions options;

        @Mixin
        QueueChoice choice;

        @Option(names = "--yes", description = "Do not ask.")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            if (!yes) {
                Console console = System.console();
                if (!Terminal.attached()) {
                    System.err.println("pool queue purge: deletes messages for good; confirm with --yes");
                    return ExitCode.CONFIG_INVALID;
                }
                String answer = console.readLine("Delete every waiting message of the queue? [y/N] ");
                if (answer == null
                        || !List.of("y", "yes").contains(answer.trim().toLowerCase(java.util.Locale.ROOT))) {
                    System.out.println("nothing deleted");
                    return ExitCode.OK;
                }
            }
            return print(QueueAccess.run(
                    options,
                    choice.queue,
                    c -> c.call(choice.request("queue_purge")),
                    (store, config) ->
                            Map.of("ok", true, "message", store.purge(config.queueName()) + " message(s) purged")));
        }
    }
}
