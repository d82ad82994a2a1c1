package io.procpool.internal.manager;

import io.procpool.internal.worker.WorkerMain;
import io.procpool.internal.worker.WorkerRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * What a worker JVM runs. Either procpool's own {@link WorkerMain}, which loads the configured
 * consumer class by name (the CLI, and embedded pools built from a class), or the embedding
 * program's own main again, told by a system property that it is worker slot k (embedded pools
 * built from a lambda or method reference, the way Node's cluster re-runs the script).
 * Immutable.
 *
 * @param programCommand the program's main class and arguments ({@code com.acme.App a b}, or
 *     {@code -jar app.jar a b}); empty for {@link WorkerMain}
 */
public record WorkerEntry(List<String> programCommand) {

    public static WorkerEntry workerMain() {
        return new WorkerEntry(List.of());
    }

    public static WorkerEntry rerunProgram(List<String> programCommand) {
        return new WorkerEntry(List.copyOf(programCommand));
    }

    public boolean loadsConsumerByName() {
        return programCommand.isEmpty();
    }

    /** The part of the command line after the JVM flags and the classpath. */
    List<String> tail(String ipcSocket, int slot, long workerId) {
        List<String> tail = new ArrayList<>();
        if (loadsConsumerByName()) {
            tail.add(WorkerMain.class.getName());
            tail.add(ipcSocket);
            tail.add(Integer.toString(slot));
            tail.add(Long.toString(workerId));
        } else {
            tail.add("-D" + WorkerRuntime.WORKER_PROPERTY + "=" + ipcSocket + "," + slot + "," + workerId);
            tail.addAll(programCommand);
        }
        return tail;
    }
}
