package io.procpool.testkit;

import org.testcontainers.DockerClientFactory;

/** Whether a Docker engine answers, asked once per JVM (Testcontainers takes ~200 ms to say no). Thread-safe. */
final class DockerCheck {

    private static volatile Boolean available;

    private DockerCheck() {}

    static boolean available() {
        if (available == null) {
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                available = false;
            }
        }
        return available;
    }
}
