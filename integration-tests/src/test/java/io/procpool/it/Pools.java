package io.procpool.it;

import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Path;

/** Configurations the integration tests start pools with. */
final class Pools {

    private Pools() {}

    /** A pool of {@code workers} {@link RecordingConsumer}s recording into {@code dir/records}. */
    static String recording(Path dir, int workers, String... extraLines) {
        StringBuilder yaml = new StringBuilder()
                .append("consumer: ").append(RecordingConsumer.class.getName()).append('\n')
                .append("workers: ").append(workers).append('\n')
                .append("max_wait_time: 5s\n")
                .append("app:\n  record_dir: ").append(dir.resolve("records")).append('\n');
        for (String line : extraLines) {
            yaml.append(line).append('\n');
        }
        return yaml.toString();
    }
}
