package io.procpool.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.api.sync.RedisCommands;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HeldEntriesTest {

    /** What the reader sent in each XCLAIM; lettuce refuses an XCLAIM without ids, as this stub does. */
    private final List<Integer> claimSizes = new ArrayList<>();

    @SuppressWarnings("unchecked") // a proxy for lettuce's generic command interface
    private final RedisCommands<String, byte[]> redis = (RedisCommands<String, byte[]>) Proxy.newProxyInstance(
            RedisCommands.class.getClassLoader(), new Class<?>[] {RedisCommands.class}, (proxy, method, args) -> {
                if (!method.getName().equals("xclaim")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                String[] ids = (String[]) args[3];
                if (ids.length == 0) {
                    throw new IllegalArgumentException("MessageIds must not be empty");
                }
                claimSizes.add(ids.length);
                return List.of();
            });

    private final Consumer<String> consumer = Consumer.from("procpool", "vm-1-0");

    @Test
    void refreshesWhatIsHeldAndSendsNothingWhenNothingIs() {
        HeldEntries held = new HeldEntries(Duration.ofNanos(1)); // due at every call
        held.refreshIfDue(redis, "jobs", consumer);
        assertThat(claimSizes).as("nothing held, nothing sent").isEmpty();

        held.add("1-0");
        held.add("2-0");
        held.refreshIfDue(redis, "jobs", consumer);
        assertThat(claimSizes).containsExactly(2);
    }

    /**
     * A delivery thread acks the last held entry while the reader refreshes: the reader must send no
     * XCLAIM rather than an empty one (which lettuce refuses with an exception that ended the reader).
     */
    @Test
    void anEntryAckedDuringARefreshNeverMakesAnEmptyClaim() throws InterruptedException {
        HeldEntries held = new HeldEntries(Duration.ofNanos(1));
        AtomicBoolean done = new AtomicBoolean();
        Thread deliveries = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 5_000_000 && !done.get(); i++) {
                held.add("1-0");
                held.remove("1-0");
            }
        });
        try {
            for (int i = 0; i < 2_000_000 && deliveries.isAlive(); i++) {
                held.refreshIfDue(redis, "jobs", consumer);
            }
        } finally {
            done.set(true);
            deliveries.join(10_000);
        }
        assertThat(claimSizes).allMatch(n -> n == 1);
    }
}
