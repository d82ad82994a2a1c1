package io.procpool.internal.task;

import io.procpool.internal.ipc.Coalescer;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Tasks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manager's task groups by name, the first one the pool's default: where a worker's TASKS frame goes.
 * A call to a group the pool does not have is answered at once with the groups it has. Filled before the
 * workers start, then read by the callers' IPC reader threads.
 */
public final class TaskGroups {

    /** Results in one TASK_RESULTS frame at most. */
    private static final int MAX_BATCH = 512;

    private final Map<String, TaskIntake> groups = new LinkedHashMap<>();

    public void add(TaskIntake intake) {
        groups.put(intake.group(), intake);
    }

    /** Where results for the worker on {@code connection} go: batched into TASK_RESULTS frames. */
    public static Coalescer<Tasks.Result> answersTo(IpcConnection connection) {
        return new Coalescer<>(MAX_BATCH, results -> {
            try {
                connection.send(FrameType.TASK_RESULTS, new Tasks.Results(results).encode());
            } catch (IOException e) {
                // the caller is gone: nobody waits for these results any more
            }
        });
    }

    /** A TASKS frame of worker {@code caller} (its slot tag, e.g. {@code worker:orders-1}); never blocks. */
    public void submit(List<Tasks.Call> calls, String caller, Coalescer<Tasks.Result> answers) {
        // Runs of calls to one group keep their order and go to it together.
        int from = 0;
        while (from < calls.size()) {
            String name = calls.get(from).group();
            int to = from + 1;
            while (to < calls.size() && calls.get(to).group().equals(name)) {
                to++;
            }
            List<Tasks.Call> run = calls.subList(from, to);
            TaskIntake intake = name.isEmpty() ? first() : groups.get(name);
            if (intake == null) {
                refuse(run, answers, name);
            } else {
                intake.submit(run, caller, answers);
            }
            from = to;
        }
    }

    private TaskIntake first() {
        return groups.isEmpty() ? null : groups.values().iterator().next();
    }

    private void refuse(List<Tasks.Call> calls, Coalescer<Tasks.Result> answers, String name) {
        refuseAll(
                calls,
                groups.isEmpty()
                        ? "this pool has no task group (a group with source: {type: task})"
                        : "this pool has no task group " + name + " (its task groups: "
                                + String.join(", ", groups.keySet()) + ")",
                answers);
    }

    /** Answers every call with the same failure: the reason none of them can run. */
    static void refuseAll(List<Tasks.Call> calls, String why, Coalescer<Tasks.Result> answers) {
        List<Tasks.Result> results = new ArrayList<>(calls.size());
        for (Tasks.Call c : calls) {
            results.add(Tasks.Result.failed(c.id(), why));
        }
        answers.addAll(results);
    }
}
