package io.procpool.internal.config;

import io.procpool.spi.SourceProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The source providers on the classpath ({@link ServiceLoader}): how {@code source.type: tcp}
 * finds pool-tcp without core naming it. Stateless; any thread.
 */
public final class SourceProviders {

    private SourceProviders() {}

    /** The provider of {@code type}, or null when no module on the classpath serves it. */
    public static SourceProvider find(String type) {
        for (SourceProvider p : all()) {
            if (p.type().equals(type)) {
                return p;
            }
        }
        return null;
    }

    /** Types served by modules on the classpath, sorted. */
    public static List<String> types() {
        TreeSet<String> types = new TreeSet<>();
        all().forEach(p -> types.add(p.type()));
        return List.copyOf(types);
    }

    private static List<SourceProvider> all() {
        List<SourceProvider> list = new ArrayList<>();
        ServiceLoader.load(SourceProvider.class, SourceProviders.class.getClassLoader())
                .forEach(list::add);
        return list;
    }
}
