package io.procpool.internal.manager;

import io.procpool.internal.config.Units;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What signals and control commands ask of a group's {@link Supervisor}: stop, force, reload, reread the
 * configuration, scale (refused for an autoscaled group), status. The supervisor thread only.
 */
final class SupervisorControl {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final Supervisor s;

    SupervisorControl(Supervisor s) {
        this.s = s;
    }

    /** A signal the manager received, for this group. */
    void signal(String name) {
        log.info("received SIG{}", name);
        switch (name) {
            case "TERM" -> s.stop(s.config().maxWaitTime());
            case "INT" -> {
                if (s.stopping()) {
                    log.warn(
                            "second interrupt: stopping now, killing {} worker(s)",
                            s.table().workers().size());
                    s.table().workers().values().forEach(WorkerHandle::kill);
                } else {
                    log.info(
                            "stopping gracefully within {} (press Ctrl-C again to force)",
                            Units.format(s.config().maxWaitTime()));
                    s.stop(s.config().maxWaitTime());
                }
            }
            case "USR1" -> s.reload();
            case "HUP" -> s.reloadConfig();
            case "TTIN", "TTOU" -> {
                if (s.config().autoscale() != null) {
                    log.warn("ignoring SIG{}: {}", name, Autoscaler.refusal(s.config()));
                } else {
                    s.scale(s.target() + (name.equals("TTIN") ? 1 : -1));
                }
            }
            default -> log.warn("ignoring signal {}", name);
        }
    }

    /** A control command's answer. */
    Map<String, Object> execute(ControlCommand command) {
        try {
            return switch (command) {
                case ControlCommand.Status status -> ControlCommand.status(StatusReport.of(s));
                case ControlCommand.Stop stop -> {
                    s.stop(stop.timeout() == null ? s.config().maxWaitTime() : stop.timeout());
                    yield ControlCommand.ok("stopping");
                }
                case ControlCommand.Reload r
                when r.rereadConfig() -> {
                    String error = s.reloadConfig();
                    yield error == null
                            ? ControlCommand.ok("reloading with the reread configuration")
                            : ControlCommand.failure(error);
                }
                case ControlCommand.Reload r -> {
                    s.reload();
                    yield ControlCommand.ok("reloading");
                }
                case ControlCommand.Scale scale
                when s.config().autoscale() != null -> ControlCommand.failure(Autoscaler.refusal(s.config()));
                case ControlCommand.Scale scale -> {
                    s.scale(scale.workers());
                    yield ControlCommand.ok("scaling to " + scale.workers());
                }
            };
        } catch (RuntimeException e) {
            return ControlCommand.failure(command + " failed: " + e);
        }
    }
}
