package io.procpool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.config.RetrySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The tries and the waits between them, seen through a recording sleeper instead of a clock. */
class MessageRetryTest {

    private final List<Long> waits = new ArrayList<>();

    private MessageRetry retry(
            int maxTries, long backoffMs, double multiplier, long maxBackoffMs, double jitter, List<String> ignore) {
        return new MessageRetry(
                new RetrySettings(
                        maxTries,
                        Duration.ofMillis(backoffMs),
                        multiplier,
                        Duration.ofMillis(maxBackoffMs),
                        jitter,
                        ignore),
                LoggerFactory.getLogger("test"),
                waits::add);
    }

    private static MessageRetry.Try failing(AtomicInteger calls, RuntimeException e) {
        return () -> {
            calls.incrementAndGet();
            throw e;
        };
    }

    @Test
    void triesMaxAttemptsTimesWaitingTheBackoffMultipliedEachTimeUpToItsCap() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(
                        () -> retry(5, 100, 2, 500, 0, List.of()).run(failing(calls, new IllegalStateException("x"))))
                .hasMessage("x");
        assertThat(calls).hasValue(5);
        assertThat(waits).containsExactly(100L, 200L, 400L, 500L);
    }

    @Test
    void aCallThatSucceedsOnATryEndsThereAndTheFirstTryWaitsForNothing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        retry(3, 100, 2, 10_000, 0, List.of()).run(() -> {
            if (calls.incrementAndGet() < 2) {
                throw new IllegalStateException("once");
            }
        });
        assertThat(calls).hasValue(2);
        assertThat(waits).containsExactly(100L);
        waits.clear();
        retry(3, 100, 2, 10_000, 0, List.of()).run(() -> {});
        assertThat(waits).isEmpty();
    }

    @Test
    void jitterSpreadsEachWaitAroundItsBackoffWithinTheFactor() throws Exception {
        MessageRetry r = retry(3, 1000, 2, 60_000, 0.5, List.of());
        for (int i = 0; i < 200; i++) {
            try {
                r.run(failing(new AtomicInteger(), new IllegalStateException()));
            } catch (IllegalStateException expected) {
                // every run fails all its tries
            }
        }
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        for (int i = 0; i < waits.size(); i += 2) {
            first.add(waits.get(i));
            second.add(waits.get(i + 1));
        }
        assertThat(first).hasSize(200).allSatisfy(w -> assertThat(w).isBetween(500L, 1500L));
        assertThat(second).allSatisfy(w -> assertThat(w).isBetween(1000L, 3000L));
        assertThat(first.stream().distinct().count())
                .as("jittered, not one fixed wait")
                .isGreaterThan(20);
    }

    @Test
    void anIgnoredExceptionAJvmErrorAndAFailureAfterAReplyAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        MessageRetry r = retry(5, 100, 2, 1000, 0, List.of(IllegalArgumentException.class.getName()));
        assertThatThrownBy(() -> r.run(failing(calls, new NumberFormatException("a subclass is ignored too"))))
                .isInstanceOf(NumberFormatException.class);
        assertThat(calls).hasValue(1);
        assertThatThrownBy(() -> r.run(() -> {
                    calls.incrementAndGet();
                    throw new AssertionError("an Error");
                }))
                .isInstanceOf(AssertionError.class);
        assertThat(calls).hasValue(2);
        assertThatThrownBy(
                        () -> r.run(failing(calls, new MessageRetry.AfterReply(new IllegalStateException("replied")))))
                .isInstanceOf(MessageRetry.AfterReply.class);
        assertThat(calls).hasValue(3);
        assertThat(waits).isEmpty();
    }
}
