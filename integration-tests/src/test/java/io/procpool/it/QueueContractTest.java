package io.procpool.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.SourceContract;
import io.procpool.testkit.SourceUnderTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The source contract on the built-in queue: dead letters read with {@code pool queue peek --dead}. */
class QueueContractTest extends SourceContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SourceUnderTest source(Path dir) {
        return new SourceUnderTest() {
            private PoolProcess last;

            @Override
            public List<String> settings() {
                return List.of("source.type: queue", "max_deliveries: 2", "source.redelivery_delay: 100ms");
            }

            @Override
            public void publish(PoolProcess pool, List<String> bodies) throws Exception {
                last = pool;
                pool.push(bodies);
            }

            @Override
            public List<GivenUp> givenUp() throws Exception {
                if (last == null || !last.process().isAlive()) {
                    return List.of(); // read while the pool runs: the tests that stop one give nothing up
                }
                PoolProcess.CliResult peek = last.cli("queue", "peek", "--dead", "-n", "1000");
                if (peek.exitCode() != 0) {
                    throw new AssertionError("pool queue peek --dead: " + peek.output());
                }
                List<GivenUp> dead = new ArrayList<>();
                for (JsonNode row : JSON.readTree(peek.output())) {
                    dead.add(new GivenUp(
                            row.get("body").asText(), row.path("last_error").asText()));
                }
                return dead;
            }

            @Override
            public Redelivery redelivery() {
                return Redelivery.COUNTED;
            }

            @Override
            public int deliveries() {
                return 2;
            }
        };
    }
}
