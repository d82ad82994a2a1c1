package io.procpool.internal.manager;

import io.procpool.internal.PrivateFiles;
import io.procpool.internal.manager.WorkerLauncher.LaunchedWorker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' ahead-of-time cache (JEP 514, JDK 25+): class loading and linking done once and
 * mapped by every later worker, which cuts spawn-to-READY by about a third and shares memory
 * between workers. One worker "trains" the cache ({@code -XX:AOTCacheOutput}); the
 * JVM writes it when that worker exits (reload, recycle, stop), and workers started after that
 * use it ({@code -XX:AOTCache}).
 *
 * <p>The file name is a hash of the JDK, the worker's JVM flags and every classpath jar's path,
 * size and mtime, because the JVM silently ignores a cache whose jars changed. A classpath with
 * a directory on it (not a jar) cannot be cached, and then nothing is added. Called on the
 * supervisor thread only.
 */
final class AotCache {

    private static final Logger log = LoggerFactory.getLogger(AotCache.class);

    /**
     * Trainers started per manager run at most. A trainer that is killed (SIGKILL, a crash)
     * writes no cache, and training slows a worker's start; under a kill storm every new worker
     * would train and start slowly, so after this many the pool runs on without a cache.
     */
    static final int MAX_TRAININGS = 3;

    /**
     * One cache per file for the whole manager: groups with the same classpath and options share it, and
     * must not train it twice at once (a second trainer would rewrite a file that running workers map).
     */
    private static final java.util.concurrent.ConcurrentMap<Path, AotCache> SHARED =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** How long training flags handed out wait for {@link #trainingStarted} before another may train. */
    private static final long CLAIM_MS = 30_000;

    private final Path file;
    private LaunchedWorker trainer;
    /** When training flags were last handed out and the trainer not yet recorded, or 0. */
    private long claimedAtMs;

    private int trainings;
    /** The cache file was made 0600 (once, after its trainer wrote it). */
    private boolean restricted;

    private AotCache(Path file) {
        this.file = file;
    }

    /** A cache for these workers, or null when this JDK or classpath cannot have one. */
    static AotCache forWorkers(Path dir, List<String> classpath, List<String> jvmOptions) {
        if (Runtime.version().feature() < 25) {
            return null;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, System.getProperty("java.home") + "|" + Runtime.version() + "|" + String.join(" ", jvmOptions));
            for (String entry : classpath) {
                List<Path> jars = jarsOf(entry);
                if (jars == null) {
                    return null; // a directory: the JVM refuses to cache it
                }
                for (Path jar : jars) {
                    BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
                    update(
                            sha,
                            jar.toAbsolutePath() + "|" + a.size() + "|"
                                    + a.lastModifiedTime().toMillis());
                }
            }
            String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            return SHARED.computeIfAbsent(dir.resolve("worker-" + hash + ".aot").toAbsolutePath(), AotCache::new);
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    /** The jars a classpath entry stands for, or null if it is a directory of classes. */
    private static List<Path> jarsOf(String entry) throws IOException {
        List<Path> jars = new ArrayList<>();
        if (entry.endsWith("/*")) {
            Path dir = Path.of(entry.substring(0, entry.length() - 2));
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
                    s.forEach(jars::add);
                }
            }
            jars.sort(null);
            return jars;
        }
        Path p = Path.of(entry);
        if (Files.isDirectory(p) || !entry.endsWith(".jar")) {
            return null;
        }
        if (Files.exists(p)) {
            jars.add(p);
        }
        return jars;
    }

    /**
     * JVM flags for the next worker: use the cache, train it (one worker at a time, whichever group
     * asks), or nothing. Any group's supervisor thread.
     */
    synchronized List<String> flagsForNextWorker() {
        if (Files.exists(file)) {
            if (!restricted) {
                try {
                    PrivateFiles.restrict(file); // the training JVM wrote it with the umask's mode
                    restricted = true;
                } catch (IOException e) {
                    log.warn("cannot make the AOT cache {} private: {}", file, e.toString());
                }
            }
            // -Xshare must not be set with an AOT cache: the JVM refuses to start.
            return List.of("-XX:AOTCache=" + file, "-Xlog:aot=off", "-Xlog:cds=off");
        }
        long now = System.currentTimeMillis();
        if ((trainer != null && trainer.isAlive())
                || (claimedAtMs != 0 && now - claimedAtMs < CLAIM_MS)
                || trainings >= MAX_TRAININGS) {
            return List.of();
        }
        try {
            PrivateFiles.directory(file.getParent().getParent());
            PrivateFiles.directory(file.getParent());
        } catch (IOException e) {
            return List.of();
        }
        claimedAtMs = now;
        return List.of("-XX:AOTCacheOutput=" + file, "-Xlog:aot=off", "-Xlog:cds=off");
    }

    /** Records the worker started with the training flags. */
    synchronized void trainingStarted(LaunchedWorker worker) {
        trainer = worker;
        claimedAtMs = 0;
        if (++trainings == MAX_TRAININGS) {
            log.info(
                    "this is the last try at training the AOT cache in this run: {} trainers ended without writing it",
                    MAX_TRAININGS - 1);
        }
        log.info(
                "worker pid {} trains the AOT cache {}; workers started after it exits start faster",
                worker.pid(),
                file);
    }

    static boolean isTraining(List<String> flags) {
        return flags.stream().anyMatch(f -> f.startsWith("-XX:AOTCacheOutput="));
    }
}
