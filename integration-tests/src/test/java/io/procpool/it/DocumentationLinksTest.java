package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the README, docs/, ARCHITECTURE.md and CONTRIBUTING.md leads to a file of this tree,
 * and a link to a section ({@code page.md#section}) to a heading of that page, as GitHub names its anchors.
 */
class DocumentationLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

    static String anchor(String heading) {
        return heading.strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndASectionOfIt() throws Exception {
        List<Path> pages = new ArrayList<>(DocumentedConfigsTest.documentationPages());
        pages.add(DocumentedConfigsTest.ROOT.resolve("ARCHITECTURE.md"));
        pages.add(DocumentedConfigsTest.ROOT.resolve("CONTRIBUTING.md"));
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved =
                        file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page.getFileName() + ": " + target + " (no such file)");
                } else if (hash >= 0) {
                    String wanted = target.substring(hash + 1);
                    Matcher h = HEADING.matcher(Files.readString(resolved));
                    boolean found = false;
                    while (h.find() && !found) {
                        found = anchor(h.group(1)).equals(wanted);
                    }
                    if (!found) {
                        broken.add(page.getFileName() + ": " + target + " (no such section)");
                    }
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(10);
        assertThat(broken).isEmpty();
    }

    @Test
    void anchorsAreNamedAsGitHubNamesThem() {
        assertThat(anchor("TCP listen mode")).isEqualTo("tcp-listen-mode");
        assertThat(anchor("Guarantees (at-least-once, here)")).isEqualTo("guarantees-at-least-once-here");
    }
}
