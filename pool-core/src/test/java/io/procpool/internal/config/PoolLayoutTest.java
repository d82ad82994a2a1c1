package io.procpool.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolLayoutTest {

    @TempDir
    Path dir;

    private PoolLayout load(String yaml) throws IOException {
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.loadLayout(file, Map.of(), Map.of());
    }

    @Test
    void aPoolWithoutGroupsIsOneImplicitGroupNamedDefault() throws IOException {
        PoolLayout layout = load("consumer: com.acme.A\nworkers: 2\n");
        assertThat(layout.named()).isFalse();
        assertThat(layout.groups()).hasSize(1);
        assertThat(layout.first().groupName()).isEqualTo("default");
        assertThat(layout.first().workerTag(1)).isEqualTo("[worker-1] ");
    }

    @Test
    void groupsInheritTopLevelKeysAndKeepTheirOrder() throws IOException {
        PoolLayout layout = load("""
                workers: 3
                message_timeout: 5s
                jvm_options: [-Xss1m]
                app: {region: eu}
                groups:
                  orders:
                    consumer: com.acme.Orders
                    source: {type: queue, queue: orders}
                  emails:
                    consumer: com.acme.Emails
                    workers: 1
                    source: {type: queue, queue: emails}
                    app: {sender: shop}
                  reporter:
                    consumer: com.acme.Reporter
                    source: {type: none}
                """);
        assertThat(layout.names()).containsExactly("orders", "emails", "reporter");
        PoolConfig orders = layout.group("orders");
        PoolConfig emails = layout.group("emails");
        assertThat(orders.workers()).isEqualTo(3);
        assertThat(emails.workers()).isEqualTo(1);
        assertThat(emails.messageTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(emails.jvmOptions()).containsExactly("-Xss1m");
        assertThat(emails.flat()).containsEntry("app.region", "eu").containsEntry("app.sender", "shop");
        assertThat(orders.flat()).doesNotContainKey("app.sender");
        assertThat(orders.queueName()).isEqualTo("orders");
        assertThat(layout.group("reporter").sourceType()).isEqualTo("none");
        assertThat(orders.workerTag(2)).isEqualTo("[orders-2] ");
        assertThat(layout.first()).isSameAs(orders);
        assertThat(orders.runDir()).isEqualTo(emails.runDir()).isEqualTo(dir.resolve("run"));
    }

    @Test
    void aGroupWithASourceOfItsOwnTakesNoneOfTheTopLevelSourceKeys() throws IOException {
        PoolLayout layout = load("""
                consumer: com.acme.A
                source: {type: queue, queue: jobs, prefetch: 8}
                groups:
                  jobs: {}
                  loop:
                    source: {type: none}
                """);
        assertThat(layout.group("jobs").queue().prefetch()).isEqualTo(8);
        assertThat(layout.group("jobs").consumer()).isEqualTo("com.acme.A");
        assertThat(layout.group("loop").sourceType()).isEqualTo("none");
    }

    @Test
    void managerKeysInAGroupAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> load("""
                        consumer: com.acme.A
                        groups:
                          orders: {run_dir: elsewhere}
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("groups.orders.run_dir")
                .hasMessageContaining("elsewhere")
                .hasMessageContaining("top level");
    }

    @Test
    void aBadValueInAGroupNamesTheGroupTheKeyAndTheValue() {
        assertThatThrownBy(() -> load("""
                        consumer: com.acme.A
                        groups:
                          orders: {workers: lots}
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("group orders: workers")
                .hasMessageContaining("lots");
    }

    @Test
    void aGroupWithoutAConsumerIsRefused() {
        assertThatThrownBy(() -> load("groups:\n  orders: {workers: 2}\n"))
                .hasMessageStartingWith("group orders: consumer: missing");
    }

    @Test
    void twoGroupsOnOneQueueAreRefused() {
        assertThatThrownBy(() -> load("""
                        consumer: com.acme.A
                        groups:
                          a: {source: {type: queue, queue: q}}
                          b: {source: {type: queue, queue: q}}
                        """))
                .hasMessageContaining("groups.b.source.queue")
                .hasMessageContaining("read by group a");
    }

    @Test
    void queueGroupsWithDifferentDurabilitiesAreRefused() {
        assertThatThrownBy(() -> load("""
                        consumer: com.acme.A
                        groups:
                          a: {source: {type: queue, queue: a, durability: none}}
                          b: {source: {type: queue, queue: b}}
                        """))
                .hasMessageContaining("groups.b.source.durability")
                .hasMessageContaining("share");
    }

    @Test
    void badGroupShapesAndNamesAreRefused() {
        assertThatThrownBy(() -> load("consumer: A\ngroups: [a, b]\n"))
                .hasMessageContaining("groups: must be a mapping");
        assertThatThrownBy(() -> load("consumer: A\ngroups: {a: 3}\n"))
                .hasMessageContaining("groups.a: must be a mapping");
        assertThatThrownBy(() -> load("consumer: A\ngroups: {Orders: {workers: 1}}\n"))
                .hasMessageContaining("a group's name");
    }

    @Test
    void anEmbeddedPoolRefusesAConfigurationWithGroups() throws IOException {
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, "consumer: A\ngroups: {a: {}, b: {source: {type: none}}}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of())).hasMessageContaining("has groups: a, b");
        assertThat(List.of("a", "b"))
                .isEqualTo(List.copyOf(
                        ConfigLoader.loadLayout(file, Map.of(), Map.of()).names()));
    }
}
