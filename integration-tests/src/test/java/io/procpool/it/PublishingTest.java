package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * What a build outside this repository needs to depend on procpool, and Maven Central to take it: a
 * license, POM metadata, a BOM in step with the modules it names, and sources and Javadoc jars beside
 * each published jar (built before these tests run).
 */
class PublishingTest {

    private static final Path ROOT = DocumentedConfigsTest.ROOT;
    private static final List<String> PUBLISHED = List.of(
            "pool-core", "pool-logging", "pool-tcp", "pool-redis", "pool-kafka", "pool-testkit", "pool-testkit-kafka");

    private static Document pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Document pom, String path) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(path, pom).trim();
    }

    @Test
    void theLicenseIsApache2AndEveryPublishedPomCarriesWhatCentralRequires() throws Exception {
        assertThat(Files.readString(ROOT.resolve("LICENSE")))
                .contains("Apache License")
                .contains("Version 2.0, January 2004");
        for (Path file : List.of(ROOT.resolve("pom.xml"), ROOT.resolve("procpool-bom/pom.xml"))) {
            Document pom = pom(file);
            assertThat(text(pom, "/project/name")).as(file + " name").isNotEmpty();
            assertThat(text(pom, "/project/description"))
                    .as(file + " description")
                    .isNotEmpty();
            assertThat(text(pom, "/project/url")).as(file + " url").startsWith("https://");
            assertThat(text(pom, "/project/licenses/license/name"))
                    .as(file + " license")
                    .isEqualTo("Apache-2.0");
            assertThat(text(pom, "/project/developers/developer/name"))
                    .as(file + " developer")
                    .isNotEmpty();
            assertThat(text(pom, "/project/scm/connection")).as(file + " scm").startsWith("scm:git:");
        }
    }

    @Test
    void theBomHasTheReactorsVersionAndNamesEveryPublishedModuleAtIt() throws Exception {
        Document parent = pom(ROOT.resolve("pom.xml"));
        Document bom = pom(ROOT.resolve("procpool-bom/pom.xml"));
        assertThat(text(bom, "/project/version")).isEqualTo(text(parent, "/project/version"));
        assertThat(text(bom, "/project/parent")).as("the BOM has no parent").isEmpty();
        XPath x = XPathFactory.newInstance().newXPath();
        NodeList deps = (NodeList)
                x.evaluate("/project/dependencyManagement/dependencies/dependency", bom, XPathConstants.NODESET);
        List<String> named = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            assertThat(x.evaluate("groupId", deps.item(i))).isEqualTo("io.procpool");
            assertThat(x.evaluate("version", deps.item(i))).isEqualTo("${project.version}");
            named.add(x.evaluate("artifactId", deps.item(i)));
        }
        assertThat(named).containsExactlyInAnyOrderElementsOf(PUBLISHED);
        NodeList modules = (NodeList) x.evaluate("/project/modules/module", parent, XPathConstants.NODESET);
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            if (module.equals("procpool-bom")) {
                continue;
            }
            boolean skipped = !text(
                            pom(ROOT.resolve(module).resolve("pom.xml")), "/project/properties/maven.deploy.skip")
                    .isEmpty();
            assertThat(PUBLISHED.contains(module))
                    .as(module + ": in the BOM exactly when it is published (no maven.deploy.skip)")
                    .isEqualTo(!skipped);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pool-core", "pool-tcp", "pool-redis", "pool-kafka", "pool-testkit"})
    void aPublishedModuleHasSourcesAndJavadocJars(String module) throws Exception {
        List<String> jars;
        try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
            jars = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jar"))
                    .toList();
        }
        assertThat(jars)
                .anyMatch(n -> n.matches(module + "-[^-]+(-SNAPSHOT)?-sources\\.jar"))
                .anyMatch(n -> n.matches(module + "-[^-]+(-SNAPSHOT)?-javadoc\\.jar"));
    }

    @Test
    void theTestkitLeavesKafkaOptionalAndPoolTestkitKafkaBringsIt() throws Exception {
        XPath x = XPathFactory.newInstance().newXPath();
        Document testkit = pom(ROOT.resolve("pool-testkit/pom.xml"));
        for (String artifact : List.of("kafka_2.13", "kafka-clients", "kafka")) {
            assertThat(x.evaluate("/project/dependencies/dependency[artifactId='" + artifact + "']/optional", testkit))
                    .as("pool-testkit's " + artifact + " is optional: a user's tests without Kafka carry no broker")
                    .isEqualTo("true");
        }
        Document kafka = pom(ROOT.resolve("pool-testkit-kafka/pom.xml"));
        for (String artifact : List.of("pool-testkit", "kafka_2.13", "kafka-clients", "kafka")) {
            assertThat(x.evaluate("count(/project/dependencies/dependency[artifactId='" + artifact + "'])", kafka))
                    .as("pool-testkit-kafka brings " + artifact)
                    .isEqualTo("1");
        }
    }
}
