package io.procpool.internal.task;

import io.procpool.internal.ipc.Coalescer;
import io.procpool.internal.ipc.Tasks;
import io.procpool.spi.Request;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call of {@code ctx.task} on its way through a task group: a request its task worker runs, whose
 * first reply (or end, or failure) is the caller's result. A task whose task worker dies runs again on
 * another; one that kills {@code max_deliveries} workers that ran it alone fails. Touched by IPC readers and the router; the answer is sent
 * once, whoever gets there first.
 */
final class Task implements Request, Redealable {

    private static final byte[] NO_REPLY = new byte[0];

    private final long callId;
    private final byte[] body;
    private final String source;
    private final Coalescer<Tasks.Result> caller;
    private final TaskIntake intake;
    private final AtomicBoolean answered = new AtomicBoolean();
    /** Deliveries so far, and the deaths of workers that ran it alone; changed by the supervisor thread. */
    private final AtomicInteger deliveries = new AtomicInteger(1);

    private final AtomicInteger deaths = new AtomicInteger();

    Task(long callId, byte[] body, String source, Coalescer<Tasks.Result> caller, TaskIntake intake) {
        this.callId = callId;
        this.body = body;
        this.source = source;
        this.caller = caller;
        this.intake = intake;
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public int attempt() {
        return deliveries.get();
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void reply(byte[] reply) {
        answer(Tasks.Result.replied(callId, reply));
    }

    /** Returned without replying: the caller's future gets an empty reply. */
    @Override
    public void done() {
        answer(Tasks.Result.replied(callId, NO_REPLY));
    }

    @Override
    public void failed(String error) {
        if (answer(Tasks.Result.failed(callId, error))) {
            intake.countFailed();
        }
    }

    @Override
    public boolean workerDied(String why, boolean surelyRan) {
        if (answered.get()) {
            return false; // its caller has its answer: running it again would only repeat its effects
        }
        if (surelyRan && deaths.incrementAndGet() >= intake.maxDeliveries()) {
            failed("its task worker died while running only this task, " + deaths.get() + " times (max_deliveries "
                    + intake.maxDeliveries() + "); the last time: " + why);
            return false;
        }
        deliveries.incrementAndGet();
        intake.countRedealt();
        return true;
    }

    /** Sends {@code result} to the caller if nothing was sent yet; true when this was the answer. */
    private boolean answer(Tasks.Result result) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        if (result.ok()) {
            intake.countAnswered();
        }
        caller.add(result);
        return true;
    }
}
