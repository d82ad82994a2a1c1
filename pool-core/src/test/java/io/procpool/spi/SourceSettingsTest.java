package io.procpool.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one grammar per kind of value that every source reads its {@code source.*} keys with. */
class SourceSettingsTest {

    private static SourceSettings of(String key, String value) {
        return SourceSettings.of(Map.of("type", "x", key, value));
    }

    @Test
    void durationsCarryAUnitAndAreRefusedWithoutOneNamingKeyAndValue() throws Exception {
        assertThat(of("t", "500ms").duration("t", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(of("t", "30s").duration("t", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(of("t", "2m").duration("t", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(of("t", "1h").duration("t", Duration.ZERO)).isEqualTo(Duration.ofHours(1));
        assertThat(of("t", "0").duration("t", Duration.ofSeconds(9))).isEqualTo(Duration.ZERO);
        assertThat(SourceSettings.of(Map.of()).duration("t", Duration.ofSeconds(9)))
                .isEqualTo(Duration.ofSeconds(9));
        assertThatThrownBy(() -> of("t", "10").duration("t", Duration.ZERO))
                .isInstanceOfSatisfying(SourceConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("t");
                    assertThat(e.value()).isEqualTo("10");
                });
    }

    @Test
    void sizesTakeBinaryAndDecimalUnits() throws Exception {
        assertThat(of("s", "512KiB").bytes("s", 0)).isEqualTo(512L * 1024);
        assertThat(of("s", "64MiB").bytes("s", 0)).isEqualTo(64L << 20);
        assertThat(of("s", "1GiB").bytes("s", 0)).isEqualTo(1L << 30);
        assertThat(of("s", "10MB").bytes("s", 0)).isEqualTo(10_000_000L);
        assertThat(of("s", "100B").bytes("s", 0)).isEqualTo(100L);
        assertThatThrownBy(() -> of("s", "lots").bytes("s", 0))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("s")
                .hasMessageContaining("lots");
    }

    @Test
    void integersAreCheckedAgainstTheirRange() throws Exception {
        assertThat(of("n", " 42 ").integer("n", 1, 1, 100)).isEqualTo(42);
        assertThat(SourceSettings.of(Map.of()).integer("n", 7, 1, 100)).isEqualTo(7);
        assertThatThrownBy(() -> of("n", "0").integer("n", 1, 1, 100))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> of("n", "many").integer("n", 1, 1, 100))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("many");
    }

    @Test
    void booleansWordsAndListsHaveOneSpellingEach() throws Exception {
        assertThat(of("b", "yes").bool("b", false)).isTrue();
        assertThat(of("b", "off").bool("b", true)).isFalse();
        assertThatThrownBy(() -> of("b", "maybe").bool("b", false)).isInstanceOf(SourceConfigException.class);
        assertThat(of("m", "share").oneOf("m", "group", "group", "share")).isEqualTo("share");
        assertThatThrownBy(() -> of("m", "fanout").oneOf("m", "group", "group", "share"))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("must be one of group, share");
        assertThat(of("l", "[a, b]").list("l")).containsExactly("a", "b");
        assertThat(of("l", "[a, b]").isList("l")).isTrue();
        assertThat(of("l", "a, b c").list("l")).containsExactly("a", "b", "c");
        assertThat(of("l", "a, b c").isList("l")).isFalse();
    }

    @Test
    void anUnknownKeyIsRefusedListingTheKnownOnes() throws Exception {
        SourceSettings s = SourceSettings.of(Map.of("type", "x", "listen", ":1", "consumer.a", "1"));
        s.requireKnown(Set.of("listen"), "consumer.");
        assertThatThrownBy(() -> SourceSettings.of(Map.of("type", "x", "lisen", ":1"))
                        .requireKnown(Set.of("listen"), "consumer."))
                .isInstanceOfSatisfying(SourceConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("lisen");
                    assertThat(e.problem())
                            .contains("unknown key for source type x")
                            .contains("consumer.*, listen");
                });
    }
}
