package io.procpool.internal.manager;

import io.procpool.PoolStatus;
import io.procpool.internal.ExitCode;
import io.procpool.internal.manager.SupervisorEvent.Command;
import io.procpool.internal.manager.SupervisorEvent.SignalReceived;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * The supervisors of one manager's groups, one per group, each on a thread of its own (the first on
 * the manager's main thread): runs them until the pool stops, and fans signals and control commands
 * out to them. A pool stops as a whole: when one group's supervisor ends, every other is told to stop.
 * Task groups stop last: a stop (TERM, INT, {@code pool stop}, or a group that ended) reaches them once
 * every other group has stopped, so that the messages those groups finish while they stop still get
 * their tasks answered. Signals act on every group but TTIN and TTOU, which scale the first. Any
 * thread may post to it.
 */
final class GroupSupervisors {

    /** By group name, the first group first. */
    private final Map<String, Supervisor> groups;
    /** The groups whose consumers may call tasks: every group that is not a task group. */
    private final List<Supervisor> callers = new ArrayList<>();

    private final List<Supervisor> taskGroups = new ArrayList<>();
    /** Callers whose supervisor has not ended yet. */
    private final java.util.concurrent.atomic.AtomicInteger callersRunning =
            new java.util.concurrent.atomic.AtomicInteger();
    /** Supervisors whose loop has ended: they answer nothing more. */
    private final java.util.Set<Supervisor> ended = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** What task groups are told once every caller has stopped; the first stop asked for. Guarded by this. */
    private SupervisorEvent deferredStop;

    GroupSupervisors(Map<String, Supervisor> groups) {
        this.groups = new LinkedHashMap<>(groups);
        for (Supervisor s : this.groups.values()) {
            (s.config().sourceType().equals("task") ? taskGroups : callers).add(s);
        }
        callersRunning.set(callers.size());
    }

    /** Runs every group's supervisor until the pool has stopped; returns the manager's exit code. */
    int run() throws InterruptedException {
        List<Map.Entry<String, Supervisor>> all = new ArrayList<>(groups.entrySet());
        int[] codes = new int[all.size()];
        java.util.Arrays.fill(codes, ExitCode.SUPERVISOR_FAILED); // until a supervisor returns its own
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < all.size(); i++) {
            int index = i;
            threads.add(Thread.ofPlatform()
                    .name("supervisor-" + all.get(i).getKey())
                    .start(() -> codes[index] = runOne(all.get(index).getValue())));
        }
        codes[0] = runOne(all.get(0).getValue());
        for (Thread t : threads) {
            t.join();
        }
        int code = 0;
        for (int c : codes) {
            code = Math.max(code, c);
        }
        return code;
    }

    /** Runs one supervisor; when it ends, so does the rest of the pool. */
    private int runOne(Supervisor s) {
        try {
            return s.run();
        } catch (RuntimeException e) {
            // The loop guard keeps a failing step from getting here: this is the loop's own failure.
            LoggerFactory.getLogger(GroupSupervisors.class).error("a group's supervisor failed", e);
            return ExitCode.SUPERVISOR_FAILED;
        } finally {
            ended.add(s);
            if (callers.contains(s) && callersRunning.decrementAndGet() == 0) {
                releaseDeferredStop();
            }
            if (groups.size() > 1) {
                stopAll();
            }
        }
    }

    private void stopAll() {
        for (Supervisor s : callers) {
            s.post(new Command(new ControlCommand.Stop(null), new CompletableFuture<>()));
        }
        stopTaskGroups(new Command(new ControlCommand.Stop(null), new CompletableFuture<>()));
    }

    /** Tells the task groups {@code stop} now if no caller runs, else once the last one has stopped. */
    private synchronized void stopTaskGroups(SupervisorEvent stop) {
        if (callersRunning.get() == 0) {
            taskGroups.forEach(s -> s.post(stop));
        } else if (deferredStop == null) {
            deferredStop = stop;
        }
    }

    private synchronized void releaseDeferredStop() {
        if (deferredStop != null) {
            SupervisorEvent stop = deferredStop;
            taskGroups.forEach(s -> s.post(stop));
        }
    }

    /**
     * A signal: TTIN and TTOU scale the first group, the others go to every group; TERM and INT reach
     * the task groups after the other groups stopped, unless INT comes again (a forced stop, for all).
     */
    void signal(String name) {
        if (name.equals("TTIN") || name.equals("TTOU")) {
            first().post(new SignalReceived(name));
            return;
        }
        if (!name.equals("TERM") && !name.equals("INT")) {
            groups.values().forEach(s -> s.post(new SignalReceived(name)));
            return;
        }
        callers.forEach(s -> s.post(new SignalReceived(name)));
        synchronized (this) {
            if (name.equals("INT") && deferredStop != null) {
                taskGroups.forEach(s -> s.post(new SignalReceived(name))); // the second Ctrl-C: now
                return;
            }
        }
        stopTaskGroups(new SignalReceived(name));
    }

    Supervisor first() {
        return groups.values().iterator().next();
    }

    /** Carries out {@code command}: on the group it names, on every group, or as the status of them all. */
    CompletableFuture<Map<String, Object>> command(ControlCommand command) {
        return switch (command) {
            case ControlCommand.Status s -> status().thenApply(ControlCommand::status);
            case ControlCommand.Scale s
            when s.group() == null && groups.size() > 1 ->
                CompletableFuture.completedFuture(ControlCommand.failure(
                        "this pool has groups " + names() + ": say which to scale (pool scale GROUP N)"));
            case ControlCommand.Scale s -> toGroup(s.group(), command);
            case ControlCommand.Reload r when r.group() != null -> toGroup(r.group(), command);
            case ControlCommand.Stop s
            when !taskGroups.isEmpty() && !callers.isEmpty() -> {
                stopTaskGroups(new Command(command, new CompletableFuture<>()));
                yield toGroups(callers, command);
            }
            default -> toGroups(List.copyOf(groups.values()), command);
        };
    }

    /** Every group's status, merged into the pool's. */
    CompletableFuture<PoolStatus> status() {
        List<CompletableFuture<PoolStatus>> parts = new ArrayList<>();
        // A group that has stopped while others finish (its loop ended) would never answer.
        List<Supervisor> running =
                groups.values().stream().filter(s -> !ended.contains(s)).toList();
        for (Supervisor s : running.isEmpty() ? List.copyOf(groups.values()) : running) {
            CompletableFuture<PoolStatus> part = new CompletableFuture<>();
            s.post(new SupervisorEvent.StatusWanted(part));
            parts.add(part);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> StatusReport.merge(
                        parts.stream().map(CompletableFuture::join).toList()));
    }

    private CompletableFuture<Map<String, Object>> toGroup(String name, ControlCommand command) {
        Supervisor s = name == null ? first() : groups.get(name);
        if (s == null) {
            return CompletableFuture.completedFuture(
                    ControlCommand.failure("no group " + name + " in this pool (its groups: " + names() + ")"));
        }
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        s.post(new Command(command, reply));
        return reply;
    }

    /** The command to {@code to}; the answer is the first one's, or every failure, each naming its group. */
    private CompletableFuture<Map<String, Object>> toGroups(List<Supervisor> to, ControlCommand command) {
        Map<String, CompletableFuture<Map<String, Object>>> replies = new LinkedHashMap<>();
        for (Supervisor s : to) {
            CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
            s.post(new Command(command, reply));
            replies.put(s.config().groupName(), reply);
        }
        return CompletableFuture.allOf(replies.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    List<String> errors = new ArrayList<>();
                    replies.forEach((name, reply) -> {
                        Map<String, Object> answer = reply.join();
                        if (!Boolean.TRUE.equals(answer.get("ok"))) {
                            errors.add(
                                    groups.size() == 1 ? "" + answer.get("error") : name + ": " + answer.get("error"));
                        }
                    });
                    if (!errors.isEmpty()) { // each supervisor logged its own
                        return ControlCommand.failure(String.join("; ", errors));
                    }
                    return replies.values().iterator().next().join();
                });
    }

    private String names() {
        return String.join(", ", groups.keySet());
    }
}
