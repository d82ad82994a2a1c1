package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.config.ConfigException;
import io.procpool.internal.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A key that cannot apply to the pool it is in is refused at start, naming the key, its value and why,
 * never accepted and ignored; and a setting the source's guarantee rests on cannot be overridden. The
 * configuration is loaded as {@code pool start} loads it, with every source module on the classpath.
 */
class RefusedSettingsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            tcp prefetch not a number       | source: {type: tcp, prefetch: many}                                 | source.prefetch | "many"
            tcp prefetch zero               | source: {type: tcp, prefetch: 0}                                    | source.prefetch | from 1 to 100000
            tcp prefetch in base mode       | source: {type: tcp, mode: base, prefetch: 8}                        | source.prefetch | process mode
            tcp length key, delimiter       | source: {type: tcp, framing: delimiter, length_type: n}             | source.length_type | framing: length
            tcp body offset, delimiter      | source: {type: tcp, framing: delimiter, body_offset: 8}             | source.body_offset | but framing is delimiter
            tcp delimiter, length framing   | source: {type: tcp, delimiter: '\\n'}                                | source.delimiter | framing: delimiter
            loop mode with a source key     | source: {type: none, queue: orders}                                 | source.queue | source type none
            redis list with a group         | source: {type: redis, mode: list, group: g}                         | source.group | mode: stream
            redis list with claim_idle      | source: {type: redis, claim_idle: 5s}                               | source.claim_idle | mode: stream
            max_deliveries under redis      | max_deliveries: 3\\nsource: {type: redis}                            | max_deliveries | source.max_deliveries
            max_deliveries under tcp        | max_deliveries: 3\\nsource: {type: tcp}                              | max_deliveries | source is tcp
            kafka auto commit               | source: {type: kafka, topics: [t], consumer.enable.auto.commit: true} | source.consumer.enable.auto.commit | only after
            kafka group.id                  | source: {type: kafka, topics: [t], consumer.group.id: other}        | source.consumer.group.id | source.group
            kafka value deserializer        | source: {type: kafka, topics: [t], consumer.value.deserializer: x}  | source.consumer.value.deserializer | bytes
            kafka max.poll.records          | source: {type: kafka, topics: [t], consumer.max.poll.records: 5}    | source.consumer.max.poll.records | source.prefetch
            autoscaling a redis source      | workers: {min: 1, max: 4}\\nsource: {type: redis}                   | workers.min | cannot apply to source redis
            autoscaling a tcp source        | workers: {min: 1, max: 4}\\nsource: {type: tcp}                     | workers.min | cannot apply to source tcp
            autoscaling a kafka share group | workers: {min: 1, max: 4}\\nsource: {type: kafka, mode: share, topics: [t]} | workers.min | Kafka share group
            kafka share acknowledgement     | source: {type: kafka, mode: share, topics: [t], consumer.share.acknowledgement.mode: implicit} | source.consumer.share.acknowledgement.mode | explicitly
            """)
    void aKeyThatCannotApplyIsRefusedNamingItAndWhy(String kind, String line, String key, String why) throws Exception {
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, "consumer: com.acme.C\n" + line.replace("\\n", "\n") + "\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + ":")
                .hasMessageContaining(why);
    }
}
