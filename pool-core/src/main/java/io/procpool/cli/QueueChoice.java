package io.procpool.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --queue NAME} of the {@code pool queue} commands: which queue of a pool of groups they act on
 * (default: the first group's that reads one). The CLI's thread.
 */
final class QueueChoice {

    @Option(
            names = "--queue",
            paramLabel = "NAME",
            description = "The queue, in a pool whose groups read several (default: the first).")
    String queue;

    /** The control request {@code command} with {@code args}, naming the queue when one was chosen. */
    Map<String, Object> request(String command, Object... args) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", command);
        for (int i = 0; i < args.length; i += 2) {
            request.put(String.valueOf(args[i]), args[i + 1]);
        }
        if (queue != null) {
            request.put("queue", queue);
        }
        return request;
    }
}
