package io.procpool.internal.task;

import io.procpool.internal.config.TaskSettings;
import io.procpool.internal.ipc.Coalescer;
import io.procpool.internal.ipc.Tasks;
import io.procpool.spi.ManagerSource;
import io.procpool.spi.RequestSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One task group's intake ({@code source.type: task}): turns the calls other workers send into tasks for
 * the group's router, or fails them at once when the group cannot run them (no READY worker, stopping),
 * and counts what became of them. The manager runs it as the group's source. Callers' IPC readers submit;
 * the supervisor starts and stops it.
 */
public final class TaskIntake implements ManagerSource {

    private final String group;
    private final int maxDeliveries;
    private volatile BooleanSupplier hasWorker = () -> false;
    private volatile RequestSink router;
    private volatile boolean stopping;

    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong redealt = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public TaskIntake(String group, TaskSettings settings) {
        this.group = group;
        this.maxDeliveries = settings.maxDeliveries();
    }

    /** Where it learns whether the group's router has a READY worker to run a task; before the workers start. */
    public void runsWhen(BooleanSupplier hasWorker) {
        this.hasWorker = hasWorker;
    }

    String group() {
        return group;
    }

    @Override
    public void start(RequestSink sink) {
        this.router = sink;
    }

    /** Calls from one caller, in order: each becomes a task, or an answer that says why it cannot. */
    void submit(List<Tasks.Call> calls, String caller, Coalescer<Tasks.Result> answers) {
        String refusal = stopping
                ? "task group " + group + " is stopping and takes no new tasks"
                : hasWorker.getAsBoolean() ? null : "task group " + group + " has no READY worker to run this task";
        if (refusal != null) {
            refused.addAndGet(calls.size());
            TaskGroups.refuseAll(calls, refusal, answers);
            return;
        }
        submitted.addAndGet(calls.size());
        List<Task> tasks = new ArrayList<>(calls.size());
        for (Tasks.Call c : calls) {
            tasks.add(new Task(c.id(), c.body(), caller, answers, this));
        }
        router.submitAll(tasks);
    }

    int maxDeliveries() {
        return maxDeliveries;
    }

    void countAnswered() {
        answered.incrementAndGet();
    }

    void countFailed() {
        failed.incrementAndGet();
    }

    void countRedealt() {
        redealt.incrementAndGet();
    }

    @Override
    public void stopAccepting() {
        stopping = true;
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks_submitted", submitted.get());
        m.put("tasks_answered", answered.get());
        m.put("tasks_failed", failed.get());
        m.put("tasks_redealt", redealt.get());
        m.put("tasks_refused", refused.get());
        return m;
    }

    @Override
    public void close() {
        stopping = true;
    }
}
