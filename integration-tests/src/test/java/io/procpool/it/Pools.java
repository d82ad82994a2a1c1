package io.procpool.it;

import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Configurations the integration tests start pools with. */
final class Pools {

    private Pools() {}

    /**
     * After a test of a pool started with {@code --daemon} (not a child of the test): kills its manager and
     * the workers under it, by pid, if any is still alive. {@code managerPid} of 0 or less: none started.
     */
    static void killDaemon(long managerPid) {
        if (managerPid > 0) {
            ProcessHandle.of(managerPid).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            });
        }
    }

    /**
     * A pool of {@code workers} {@link RecordingConsumer}s recording into {@code dir/records},
     * with {@code settings} ("key: value" pairs by dotted key) over the defaults.
     */
    static String recording(Path dir, int workers, String... settings) {
        return yaml(RecordingConsumer.class.getName(), workers, dir, settings);
    }

    static String yaml(String consumer, int workers, Path dir, String... settings) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("consumer", consumer);
        values.put("workers", Integer.toString(workers));
        values.put("max_wait_time", "5s");
        values.put("app.record_dir", dir.resolve("records").toString());
        for (String s : settings) {
            int colon = s.indexOf(':');
            values.put(s.substring(0, colon).trim(), s.substring(colon + 1).trim());
        }
        StringBuilder yaml = new StringBuilder();
        values.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        return yaml.toString();
    }
}
