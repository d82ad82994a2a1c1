package io.procpool.internal.manager;

import java.util.List;
import java.util.Locale;

/**
 * The heap limit of a worker JVM whose {@code jvm_options} set none. A JVM left alone takes a quarter
 * of the memory it sees (a container's limit, or the host's RAM) as its maximum heap, and half on a
 * small machine, so N workers of one pool could together claim N quarters and be OOM-killed under a
 * limit. Each worker gets instead an equal share of half that memory, never more than the JVM's own
 * quarter; the other half is left to the manager and to what is not heap (metaspace, code, stacks).
 * Stateless; the supervisor thread.
 */
final class WorkerHeap {

    /** The options by which a user sets the heap limit; any of them and procpool adds nothing. */
    private static final List<String> HEAP_OPTIONS = List.of(
            "-Xmx",
            "-XX:MaxHeapSize=",
            "-XX:MaxRAMPercentage=",
            "-XX:MinRAMPercentage=",
            "-XX:MaxRAM=",
            "-XX:MaxRAMFraction=");

    /** Half of the memory, in per cent, shared by the workers. */
    static final double WORKERS_SHARE = 50.0;

    /** The JVM's own default maximum: a worker never gets more than a JVM would take. */
    static final double JVM_DEFAULT = 25.0;

    private WorkerHeap() {}

    /**
     * The flags that set the heap of one of {@code workers} workers, or none when {@code jvmOptions} set
     * the heap themselves. Both percentages: the JVM reads the Min one on machines with little memory.
     */
    static List<String> flags(List<String> jvmOptions, int workers) {
        boolean chosen = jvmOptions.stream().anyMatch(o -> HEAP_OPTIONS.stream().anyMatch(o::startsWith));
        if (chosen) {
            return List.of();
        }
        String share = percent(workers);
        return List.of("-XX:MaxRAMPercentage=" + share, "-XX:MinRAMPercentage=" + share);
    }

    /** A worker's share as the JVM flag takes it, e.g. {@code 12.5} for 4 workers. */
    static String percent(int workers) {
        double share = Math.min(JVM_DEFAULT, WORKERS_SHARE / Math.max(1, workers));
        return String.format(Locale.ROOT, "%.2f", share).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
