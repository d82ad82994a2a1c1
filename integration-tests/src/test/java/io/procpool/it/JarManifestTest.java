package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every jar the build makes before these tests names its module, so users on the module path get a stable name. */
class JarManifestTest {

    @ParameterizedTest
    @CsvSource({
        "pool-core, io.procpool",
        "pool-tcp, io.procpool.tcp",
        "pool-redis, io.procpool.redis",
        "pool-kafka, io.procpool.kafka",
        "pool-testkit, io.procpool.testkit",
        "examples, io.procpool.examples"
    })
    void theJarHasAnAutomaticModuleName(String module, String name) throws IOException {
        Path jar;
        try (Stream<Path> files =
                Files.list(DocumentedConfigsTest.ROOT.resolve(module).resolve("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches(module + "-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no jar of " + module + " was built"));
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo(name);
        }
    }
}
