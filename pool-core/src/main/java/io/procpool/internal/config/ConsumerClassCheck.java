package io.procpool.internal.config;

import io.procpool.Consumer;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks at start that the {@code consumer} class exists on the user's classpath and is a
 * {@link Consumer}, so that a typo stops {@code pool start} with a clear message instead of N
 * workers failing to load it. The class is loaded without being initialized. Called once by
 * the starting thread.
 */
public final class ConsumerClassCheck {

    private ConsumerClassCheck() {}

    public static void verify(PoolConfig config) {
        try (URLClassLoader loader =
                new URLClassLoader(urls(config.classpath()), ConsumerClassCheck.class.getClassLoader())) {
            Class<?> type = Class.forName(config.consumer(), false, loader);
            if (!Consumer.class.isAssignableFrom(type)) {
                throw ConfigException.invalid(
                        "consumer", "must name a class that implements io.procpool.Consumer", config.consumer(), null);
            }
        } catch (ClassNotFoundException | LinkageError e) {
            throw ConfigException.invalid(
                    "consumer",
                    "class not found on the classpath " + config.classpath()
                            + " (set `classpath` to your classes or jars)",
                    config.consumer(),
                    null);
        } catch (IOException e) {
            throw new ConfigException("classpath: cannot read it: " + e.getMessage());
        }
    }

    /** The pool's classpath as a class loader reads it (a thread worker's loader too). */
    public static URL[] urls(List<Path> classpath) {
        List<URL> urls = new ArrayList<>();
        for (Path entry : classpath) {
            urls.addAll(urlsOf(entry));
        }
        return urls.toArray(URL[]::new);
    }

    /** A classpath entry as the JVM reads it: a directory, a jar, or {@code dir/*} for every jar in dir. */
    private static List<URL> urlsOf(Path entry) {
        List<URL> urls = new ArrayList<>();
        try {
            if (entry.getFileName() != null && entry.getFileName().toString().equals("*")) {
                Path dir = entry.getParent();
                if (Files.isDirectory(dir)) {
                    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
                        for (Path jar : jars) {
                            urls.add(jar.toUri().toURL());
                        }
                    }
                }
            } else {
                urls.add(entry.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new ConfigException("classpath: entry " + entry + " is not a valid path");
        } catch (IOException e) {
            throw new ConfigException("classpath: cannot list " + entry + ": " + e.getMessage());
        }
        return urls;
    }
}
