package io.procpool.internal.config;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.SourceSettings;

/**
 * The sources pool-core brings, registered with {@link java.util.ServiceLoader} as the adapter modules
 * register theirs: the built-in queue ({@code queue}), task groups ({@code task}) and loop mode ({@code none}). Stateless; any thread.
 */
public final class CoreSourceProviders {

    private CoreSourceProviders() {}

    /** {@code source.type: queue}: the manager's durable queue, fed to workers over IPC. */
    public static final class Queue implements SourceProvider {
        @Override
        public String type() {
            return "queue";
        }

        @Override
        public SourceDefinition define(SourceSettings settings) throws SourceConfigException {
            return QueueSettings.from(settings);
        }
    }

    /** {@code source.type: task}: a task group, serving the tasks other workers send with {@code ctx.task}. */
    public static final class Task implements SourceProvider {
        @Override
        public String type() {
            return "task";
        }

        @Override
        public SourceDefinition define(SourceSettings settings) throws SourceConfigException {
            return TaskSettings.from(settings);
        }
    }

    /** {@code source.type: none}: no source; each worker runs the consumer's own loop (Swoole's IPC_NONE). */
    public static final class Loop implements SourceProvider {

        private static final SourceDefinition LOOP = () -> SourceDefinition.Placement.NONE;

        @Override
        public String type() {
            return "none";
        }

        @Override
        public SourceDefinition define(SourceSettings settings) throws SourceConfigException {
            for (String key : settings.keys()) {
                if (!key.equals("type")) {
                    throw new SourceConfigException(
                            key,
                            "is not a setting of source type none (loop mode: the consumer's " + "run() is the source)",
                            settings.string(key, ""));
                }
            }
            return LOOP;
        }
    }
}
