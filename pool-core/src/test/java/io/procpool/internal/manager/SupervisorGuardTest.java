package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.ExitCode;
import io.procpool.internal.TestClock;
import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.WorkerFeed;
import io.procpool.internal.manager.SupervisorTest.FakeWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A supervisor step that throws (a bug) stops the pool gracefully and ends with a named exit code. */
class SupervisorGuardTest {

    private final TestClock clock = new TestClock();
    private final List<FakeWorker> launched = new ArrayList<>();

    /** A feed whose attach fails, as a bug in a handler would. */
    private static final WorkerFeed BROKEN = new WorkerFeed.Idle() {
        @Override
        public void attach(long workerId, int slot, IpcConnection connection) {
            throw new IllegalStateException("a bug in attach");
        }
    };

    @Test
    void aHandlerThatThrowsStopsThePoolGracefullyAndExitsWithSupervisorFailed() {
        PoolConfig config = ConfigLoader.load(
                null, Map.of(), Map.of("consumer", "com.acme.C", "workers", "2", "max_wait_time", "5s"));
        WorkerLauncher launcher = (slot, id, c, workers) -> {
            FakeWorker w = new FakeWorker(slot, id);
            launched.add(w);
            return w;
        };
        Supervisor supervisor =
                new Supervisor(config, launcher, BROKEN, null, clock, List.of(), () -> config, new WorkerIds());
        supervisor.start();
        supervisor.post(new SupervisorEvent.Ready(launched.get(0).id)); // attach throws
        CompletableFuture<Map<String, Object>> status = new CompletableFuture<>();
        supervisor.post(new SupervisorEvent.Command(new ControlCommand.Status(), status));
        supervisor.drain();
        @SuppressWarnings("unchecked")
        Map<String, Object> pool = (Map<String, Object>) status.join().get("pool");
        assertThat(pool.get("state")).as("the loop went on, stopping the pool").isEqualTo("STOPPING");
        assertThat(launched).as("no worker was killed: they were asked to stop").noneMatch(w -> w.killed);

        launched.get(0).exit(0); // one stops in time
        clock.advance(Duration.ofSeconds(6)); // the other is past max_wait_time
        supervisor.drain();
        assertThat(launched.get(1).killed).isTrue();
        assertThat(supervisor.finished()).isTrue();
        assertThat(supervisor.finish()).isEqualTo(ExitCode.SUPERVISOR_FAILED);
    }
}
