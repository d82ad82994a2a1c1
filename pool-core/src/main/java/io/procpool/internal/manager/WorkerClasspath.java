package io.procpool.internal.manager;

import io.procpool.Consumer;
import io.procpool.spi.SourceProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classpath of a worker JVM. A pool that names a classpath of its own (its consumer is there, as
 * in a distribution) gets that classpath first, then procpool's worker runtime and nothing else of the
 * manager's: pool-core, slf4j-api, the manager's SLF4J backend unless the pool's classpath brings one,
 * and the pool's source module with the libraries it lists in {@code META-INF/procpool/worker-classpath}
 * (written by the build). So a consumer's Jackson, logback or Spring is the one it was built with.
 * A pool without a classpath of its own has its consumer on the manager's classpath (an embedded pool,
 * a test): its workers get the manager's whole classpath. Stateless; the supervisor thread calls it.
 */
final class WorkerClasspath {

    private static final Logger log = LoggerFactory.getLogger(WorkerClasspath.class);
    static final String INDEX = "META-INF/procpool/worker-classpath";

    private WorkerClasspath() {}

    /**
     * The worker's entries, in order. {@code managerClasspath}: the manager's own entries;
     * {@code poolClasspath}: the pool's {@code classpath} (entries may end in {@code /*}); {@code provider}:
     * the provider of the pool's source.
     */
    static List<String> of(List<String> managerClasspath, List<Path> poolClasspath, SourceProvider provider) {
        if (poolClasspath.isEmpty()) {
            return managerClasspath;
        }
        List<String> pool = poolClasspath.stream().map(Path::toString).toList();
        Set<String> runtime = new LinkedHashSet<>();
        try {
            runtime.add(location(Consumer.class));
            runtime.add(location(Logger.class));
            if (!bringsSlf4jBackend(poolClasspath)) {
                runtime.add(location(LoggerFactory.getILoggerFactory().getClass()));
            }
            String source = location(provider.getClass());
            runtime.add(source);
            Map<String, String> byName = managerClasspath.stream()
                    .collect(Collectors.toMap(e -> Path.of(e).getFileName().toString(), e -> e, (a, b) -> a));
            for (String name : index(Path.of(source))) {
                String entry = byName.get(name);
                if (entry == null) {
                    log.warn(
                            "worker classpath: {} (needed by source {}) is not on the manager's classpath;"
                                    + " workers get the manager's whole classpath after the pool's",
                            name,
                            provider.type());
                    return concat(pool, managerClasspath);
                }
                runtime.add(entry);
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            log.warn(
                    "worker classpath: cannot tell procpool's worker runtime apart ({}); workers get the manager's"
                            + " whole classpath after the pool's",
                    e.toString());
            return concat(pool, managerClasspath);
        }
        return concat(pool, List.copyOf(runtime));
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> all = new ArrayList<>(first);
        then.stream().filter(e -> !first.contains(e)).forEach(all::add);
        return all;
    }

    /** The jar or class directory {@code c} was loaded from. */
    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }

    /** The file names a source module's index lists; none for a module without one (pool-core's own sources). */
    private static List<String> index(Path module) throws IOException {
        String text = read(module, INDEX, in -> new String(in, StandardCharsets.UTF_8));
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Stream.of(text.trim().split(":"))
                .map(e -> Path.of(e).getFileName().toString())
                .toList();
    }

    /** Whether an entry of the pool's classpath holds an SLF4J 2 provider or an SLF4J 1 binding. */
    private static boolean bringsSlf4jBackend(List<Path> poolClasspath) throws IOException {
        for (Path entry : expand(poolClasspath)) {
            if (read(entry, "META-INF/services/org.slf4j.spi.SLF4JServiceProvider", b -> b) != null
                    || read(entry, "org/slf4j/impl/StaticLoggerBinder.class", b -> b) != null) {
                return true;
            }
        }
        return false;
    }

    /** The entries with {@code dir/*} replaced by the jars in {@code dir}, as the JVM reads {@code -cp}. */
    private static List<Path> expand(List<Path> entries) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path e : entries) {
            if (e.getFileName() != null && e.getFileName().toString().equals("*")) {
                Path dir = e.getParent();
                if (dir != null && Files.isDirectory(dir)) {
                    try (Stream<Path> jars = Files.list(dir)) {
                        jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(out::add);
                    }
                }
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** {@code name} inside a jar or a class directory, converted; null when it is not there. */
    private static <T> T read(Path entry, String name, Function<byte[], T> convert) throws IOException {
        if (Files.isDirectory(entry)) {
            Path f = entry.resolve(name);
            return Files.isRegularFile(f) ? convert.apply(Files.readAllBytes(f)) : null;
        }
        if (!Files.isRegularFile(entry)) {
            return null;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            var e = jar.getJarEntry(name);
            if (e == null) {
                return null;
            }
            try (InputStream in = jar.getInputStream(e)) {
                return convert.apply(in.readAllBytes());
            }
        }
    }
}
