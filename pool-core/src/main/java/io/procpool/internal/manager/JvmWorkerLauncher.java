package io.procpool.internal.manager;

import io.procpool.internal.LogLines;
import io.procpool.internal.LogSetup;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.SourceProviders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Starts each worker as a child JVM ({@code ProcessBuilder}; a JVM cannot fork) with the
 * manager's own classpath followed by the user's {@code classpath}, the configured
 * {@code jvm_options} and the {@link WorkerEntry}'s main class. Its stdout and stderr are read by
 * two daemon threads and copied to the manager's, each line tagged {@code [worker-<slot>]}
 * ({@code [<group>-<slot>]} in a group).
 * Called on the supervisor thread; always spawning from that one long-lived thread also keeps
 * PR_SET_PDEATHSIG usable later.
 */
public final class JvmWorkerLauncher implements WorkerLauncher {

    private final PrintStream out;
    private final PrintStream err;
    private final String javaBin =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String ownClasspath = System.getProperty("java.class.path");
    private PoolConfig aotConfig;
    /** The worker classpath of {@link #classpathConfig}: worked out once per configuration, not per spawn. */
    private PoolConfig classpathConfig;

    private List<String> workerClasspath;
    private AotCache aotCache;

    private final WorkerEntry entry;

    public JvmWorkerLauncher(PrintStream out, PrintStream err, WorkerEntry entry) {
        this.out = out;
        this.err = err;
        this.entry = entry;
    }

    /** The worker's command line; public for the start-up benchmark. */
    public List<String> command(int slot, long workerId, PoolConfig config, int workers, List<String> aotFlags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(config.jvmOptions());
        cmd.addAll(WorkerHeap.flags(config.jvmOptions(), workers));
        cmd.addAll(aotFlags);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(LogSetup.asJvmFlags());
        cmd.add("-Dprocpool.log.group=" + config.groupName());
        cmd.add("-Dprocpool.slot=" + slot);
        cmd.add("-cp");
        cmd.add(String.join(":", classpath(config)));
        cmd.addAll(entry.tail(config.ipcSocket().toString(), slot, workerId));
        return cmd;
    }

    /**
     * A worker started as {@code WorkerMain} of a pool that names its classpath gets that classpath first
     * and procpool's worker runtime after it ({@link WorkerClasspath}); a re-run program (an embedded
     * pool) gets the manager's classpath, then the pool's.
     */
    private List<String> workOutClasspath(PoolConfig config) {
        List<String> own = List.of(ownClasspath.split(":"));
        if (entry.loadsConsumerByName()) {
            return WorkerClasspath.of(
                    own,
                    config.classpath(),
                    SourceProviders.find(config.sourceSettings().type()));
        }
        List<String> cp = new ArrayList<>(own);
        config.classpath().forEach(p -> cp.add(p.toString()));
        return cp;
    }

    @Override
    public LaunchedWorker launch(int slot, long workerId, PoolConfig config, int workers) throws IOException {
        List<String> aotFlags = aotFlags(config);
        ProcessBuilder pb = new ProcessBuilder(command(slot, workerId, config, workers, aotFlags));
        pb.directory(config.baseDir().toFile());
        Process process = pb.start();
        String tag = config.workerTag(slot);
        LogLines.Writer writer = new LogLines.Writer(config.groupName(), slot, process.pid());
        copyLines(process.getInputStream(), out, tag, writer, false);
        copyLines(process.getErrorStream(), err, tag, writer, true);
        ProcessWorker worker = new ProcessWorker(process);
        if (AotCache.isTraining(aotFlags)) {
            aotCache.trainingStarted(worker);
        }
        return worker;
    }

    /** The AOT cache flags for the next worker; the cache is chosen anew when the configuration changed. */
    @SuppressWarnings("ReferenceEquality") // a reload brings a new configuration object; the cache follows that one
    private List<String> classpath(PoolConfig config) {
        if (classpathConfig != config) {
            classpathConfig = config;
            workerClasspath = workOutClasspath(config);
        }
        return workerClasspath;
    }

    @SuppressWarnings("ReferenceEquality") // a reload brings a new configuration object; the cache follows that one
    private List<String> aotFlags(PoolConfig config) {
        if (!config.aotCache()) {
            return List.of();
        }
        if (aotConfig != config) {
            aotConfig = config;
            aotCache = AotCache.forWorkers(config.dataDir().resolve("aot"), classpath(config), config.jvmOptions());
        }
        return aotCache == null ? List.of() : aotCache.flagsForNextWorker();
    }

    private static void copyLines(
            InputStream from, PrintStream to, String tag, LogLines.Writer writer, boolean stderr) {
        String name = (stderr ? "err-" : "out-") + writer.slot();
        Thread.ofPlatform().name("worker-" + name).daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    to.println(LogLines.current().line(tag, writer, stderr, line));
                }
            } catch (IOException e) {
                // the worker's pipe closed: it has exited
            }
        });
    }

    /** A worker JVM seen through {@link Process}. */
    private record ProcessWorker(Process process) implements LaunchedWorker {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        @SuppressWarnings("FutureReturnValueIgnored") // the exit callback logs; nothing waits for it
        public void onExit(IntConsumer onExit) {
            // Process.onExit plays SIGCHLD's part: the JVM stops delivering SIGCHLD to handlers
            // after the first ProcessBuilder.start().
            process.onExit().thenAccept(p -> onExit.accept(p.exitValue()));
        }

        @Override
        public void kill() {
            process.destroyForcibly();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }
    }
}
