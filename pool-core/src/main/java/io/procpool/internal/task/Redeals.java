package io.procpool.internal.task;

import io.procpool.spi.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * What becomes of the requests a dead worker held: its tasks run again, as the queue's messages do; a task
 * counts the death only when it surely ran (the worker died on its own holding nothing else), and the
 * tasks of a worker that died on its own holding several are suspects, each to run alone; other requests
 * (TCP) fail. Made by the router's caller thread (the supervisor), outside the router's lock.
 *
 * @param again tasks to deal again as usual (their worker was killed from outside)
 * @param suspects tasks to run one at a time on a worker holding nothing else
 * @param others requests that are not tasks: they fail
 */
public record Redeals(List<Request> again, List<Request> suspects, List<Request> others) {

    /**
     * Sorts what a dead worker held, asking each task whether it runs again.
     *
     * @param messageFault the worker died on its own (a crash, a {@code message_timeout} kill)
     * @param heldSuspect the worker was running a suspect alone
     */
    public static Redeals of(List<Request> inFlight, String why, boolean messageFault, boolean heldSuspect) {
        boolean surelyRan = messageFault && inFlight.size() == 1;
        Redeals r = new Redeals(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Request request : inFlight) {
            if (!(request instanceof Redealable task)) {
                r.others.add(request);
            } else if (task.workerDied(why, surelyRan)) { // false: answered already, or failed for its deaths
                (messageFault || heldSuspect ? r.suspects : r.again).add(task);
            }
        }
        return r;
    }
}
