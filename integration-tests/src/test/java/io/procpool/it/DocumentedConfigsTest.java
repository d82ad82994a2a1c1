package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration the documentation shows is valid as it stands: the {@code pool.yaml} of each example
 * and each YAML block of the README and of {@code docs/} is loaded and validated with every source module
 * on the classpath, as {@code pool start} does before it starts anything.
 */
class DocumentedConfigsTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The first line of a documented Prometheus configuration, the one YAML block that is not a pool's. */
    static final String PROMETHEUS = "# prometheus.yml";
    /** The first line of a documented Kubernetes container's probes. */
    static final String KUBERNETES = "# kubernetes:";

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    /** The example pools of the source tree and those the distribution ships. */
    static Stream<Path> examplePoolFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path examples : List.of(ROOT.resolve("examples"), ROOT.resolve("procpool-dist/src/dist/examples"))) {
            try (Stream<Path> dirs = Files.list(examples)) {
                List<Path> found = dirs.map(d -> d.resolve("pool.yaml"))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .toList();
                assertThat(found).as("example pools under " + examples).isNotEmpty();
                files.addAll(found);
            }
        }
        return files.stream();
    }

    /** The README, then every page under docs/ by name. */
    static List<Path> documentationPages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The YAML blocks of the README and of every page under docs/, each named by its file and first line. */
    static Stream<Object[]> documentedYamlBlocks() throws IOException {
        List<Object[]> blocks = new ArrayList<>();
        for (Path page : documentationPages()) {
            Matcher m = YAML_BLOCK.matcher(Files.readString(page));
            while (m.find()) {
                String text = m.group(1);
                blocks.add(new Object[] {
                    ROOT.relativize(page) + ": " + text.lines().findFirst().orElse(""), text
                });
            }
        }
        assertThat(blocks).as("YAML blocks in the README").hasSizeGreaterThanOrEqualTo(4);
        return blocks.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examplePoolFiles")
    void everyExamplePoolConfigurationIsValid(Path file) {
        assertThat(ConfigLoader.loadLayout(file, Map.of(), Map.of()).groups())
                .allSatisfy(group -> assertThat(group.consumer()).startsWith("io.procpool.examples."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedYamlBlocks")
    void everyYamlBlockOfTheDocumentationIsValid(String name, String yaml) throws IOException {
        if (yaml.startsWith(PROMETHEUS)) { // not a pool.yaml: valid YAML that scrapes the pool's /metrics
            var tree = new com.fasterxml.jackson.databind.ObjectMapper(
                            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(yaml);
            assertThat(tree.at("/scrape_configs/0/metrics_path").asText()).isEqualTo("/metrics");
            return;
        }
        if (yaml.startsWith(KUBERNETES)) { // a container's probes, at the paths the HTTP endpoint serves
            var tree = new com.fasterxml.jackson.databind.ObjectMapper(
                            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(yaml);
            assertThat(tree.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
            assertThat(tree.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
            return;
        }
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, yaml);
        assertThat(ConfigLoader.loadLayout(file, Map.of(), Map.of()).groups())
                .allSatisfy(group -> assertThat(group.consumer()).isNotBlank());
    }

    @Test
    void aYamlListUnderSourceReachesTheSourceAsAList() {
        PoolConfig config = ConfigLoader.load(ROOT.resolve("examples/kafka-source/pool.yaml"), Map.of(), Map.of());
        assertThat(config.sourceSettings().list("topics")).containsExactly("orders");
        assertThat(config.source().toString())
                .as("the Kafka source's typed settings")
                .contains("topics=[orders]");
    }
}
