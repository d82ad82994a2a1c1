package io.procpool.internal.worker;

import io.procpool.internal.ExitCode;
import io.procpool.internal.Signals;
import java.nio.file.Path;

/**
 * Entry point of a worker JVM: {@code WorkerMain <ipc socket> <slot> <worker id>}. Kept tiny
 * and free of the CLI's and the configuration's libraries so that a worker starts fast.
 */
public final class WorkerMain {

    private WorkerMain() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: WorkerMain <ipc socket> <slot> <worker id> (started by the pool manager, not by hand)");
            System.exit(ExitCode.WORKER_BOOT_FAILED);
        }
        // Ctrl-C in a terminal reaches the whole process group; the manager decides how its
        // workers stop, so a worker ignores INT and treats TERM as "stop gracefully".
        Signals.ignore("INT");
        WorkerRuntime runtime = new WorkerRuntime(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]));
        Signals.handle("TERM", runtime::requestStop);
        int code = runtime.run();
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
