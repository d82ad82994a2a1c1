package io.procpool.cli;

import io.procpool.internal.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every command shares: which configuration file, and which run directory (where a
 * running pool's sockets are). A picocli mixin; one instance per command invocation.
 */
final class PoolOptions {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Configuration file (default: $POOL_CONFIG, else ./pool.yaml if present).")
    Path config;

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description = "Run directory of the pool (default: run_dir of the configuration, else ./run).")
    Path runDir;

    /** The configuration file to read, or null for none. */
    Path configFile() {
        if (config != null) {
            return config;
        }
        String env = System.getenv("POOL_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path local = Path.of("pool.yaml");
        return Files.exists(local) ? local : null;
    }

    Path runDir() {
        if (runDir != null) {
            return runDir.toAbsolutePath().normalize();
        }
        return ConfigLoader.runDirOf(configFile(), System.getenv());
    }
}
