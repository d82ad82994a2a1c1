package io.procpool.internal.manager;

import io.procpool.internal.ExitCode;
import io.procpool.internal.LineTaggingStream;
import io.procpool.internal.config.ConsumerClassCheck;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.worker.WorkerRuntime;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * Starts each worker as a platform thread of the manager's JVM ({@code isolation: thread}): the same
 * {@link WorkerRuntime} a worker process runs, over the same IPC socket, so the supervisor, the feed and
 * the status see a worker like any other. Each worker loads the consumer through a class loader of its
 * own over the pool's {@code classpath} (parent: the manager's), so a reload runs the classes as they
 * are now; its output is tagged {@code [worker-<slot>]} ({@code [<group>-<slot>]} in a group) by the thread that
 * writes it. A kill aborts
 * the worker's lifecycle and closes its connection. Called on the supervisor thread.
 */
final class ThreadWorkerLauncher implements WorkerLauncher {

    private final long managerPid = ProcessHandle.current().pid();

    @Override
    public LaunchedWorker launch(int slot, long workerId, PoolConfig config, int workers) throws IOException {
        URLClassLoader loader = new URLClassLoader(
                "worker-" + slot + "-" + workerId,
                ConsumerClassCheck.urls(config.classpath()),
                ThreadWorkerLauncher.class.getClassLoader());
        WorkerRuntime runtime = WorkerRuntime.inThread(config.ipcSocket(), slot, workerId);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        // A daemon: a consumer that ignores its interrupt must not keep the manager's JVM from exiting.
        String tag = config.workerTag(slot);
        Thread thread = Thread.ofPlatform()
                .name(tag.substring(1, tag.length() - 2))
                .daemon()
                .unstarted(() -> {
                    LineTaggingStream.tagThisThread(tag, config.groupName(), slot);
                    int code = ExitCode.FAILED;
                    try {
                        code = runtime.run();
                    } catch (RuntimeException | Error e) {
                        System.err.println("worker: " + e);
                        e.printStackTrace();
                    } finally {
                        try {
                            loader.close();
                        } catch (IOException e) {
                            // the loader's jars stay open until the manager exits: nothing is lost
                        }
                        exit.complete(code);
                    }
                });
        thread.setContextClassLoader(loader);
        thread.start();
        return new ThreadWorker(thread, runtime, exit, managerPid);
    }

    /** A worker that is a thread: its pid is the manager's, its exit the end of its lifecycle. */
    private record ThreadWorker(Thread thread, WorkerRuntime runtime, CompletableFuture<Integer> exit, long pid)
            implements LaunchedWorker {

        @Override
        @SuppressWarnings("FutureReturnValueIgnored") // the exit callback posts an event; nothing waits for it
        public void onExit(IntConsumer onExit) {
            exit.thenAccept(onExit::accept);
        }

        @Override
        public void kill() {
            runtime.abort();
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public boolean ownProcess() {
            return false;
        }
    }
}
