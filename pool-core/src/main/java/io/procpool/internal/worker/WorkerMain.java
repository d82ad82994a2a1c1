package io.procpool.internal.worker;

import io.procpool.internal.ExitCode;
import java.nio.file.Path;

/**
 * Entry point of a worker JVM: {@code WorkerMain <ipc socket> <slot> <worker id>}. Kept tiny
 * and free of the CLI's and the configuration's libraries so that a worker starts fast.
 */
public final class WorkerMain {

    private WorkerMain() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println(
                    "usage: WorkerMain <ipc socket> <slot> <worker id> (started by the pool manager, not by hand)");
            System.exit(ExitCode.WORKER_BOOT_FAILED);
        }
        int code = new WorkerRuntime(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]))
                .runWithSignals();
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
