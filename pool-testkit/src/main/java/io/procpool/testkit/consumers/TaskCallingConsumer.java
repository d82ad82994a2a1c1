package io.procpool.testkit.consumers;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.TaskFailedException;
import io.procpool.WorkerContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test consumer that hands each message to a task group with {@code ctx.task(body).get(...)} and
 * writes {@code <body> <result>} to {@code results-<pid>.log} under {@code app.record_dir}, where the
 * result is {@code ok:<reply>}, {@code failed:<why>} or {@code timeout}. {@code app.task_group} names the
 * group (default: the pool's first task group); {@code app.task_timeout_ms} bounds the wait (30 s);
 * {@code app.task_wait: true} waits with {@code ctx.taskWait} instead (on the pool's first task group).
 */
public class TaskCallingConsumer implements Consumer {

    private Path file;
    private String group;
    private long timeoutMs;
    private boolean taskWait;

    @Override
    public void onStart(WorkerContext ctx) throws IOException {
        Path dir = Path.of(ctx.config().get("app.record_dir"));
        Files.createDirectories(dir);
        file = dir.resolve("results-" + ctx.pid() + ".log");
        group = ctx.config().get("app.task_group");
        timeoutMs = Long.parseLong(ctx.config().getOrDefault("app.task_timeout_ms", "30000"));
        taskWait = Boolean.parseBoolean(ctx.config().getOrDefault("app.task_wait", "false"));
    }

    @Override
    public void onMessage(Message message, WorkerContext ctx) throws Exception {
        String result;
        try {
            byte[] reply = taskWait
                    ? ctx.taskWait(message.body(), Duration.ofMillis(timeoutMs))
                    : (group == null ? ctx.task(message.body()) : ctx.task(group, message.body()))
                            .get(timeoutMs, TimeUnit.MILLISECONDS);
            result = "ok:" + new String(reply, StandardCharsets.UTF_8);
        } catch (TaskFailedException e) {
            result = "failed:" + e.getMessage();
        } catch (ExecutionException e) {
            result = e.getCause() instanceof TaskFailedException f ? "failed:" + f.getMessage() : "error:" + e;
        } catch (TimeoutException e) {
            result = "timeout";
        }
        synchronized (this) {
            Files.writeString(
                    file,
                    message.bodyAsString() + " " + result.replace('\n', ' ') + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }
}
