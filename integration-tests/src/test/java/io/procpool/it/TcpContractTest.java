package io.procpool.it;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.SourceContract;
import io.procpool.testkit.SourceUnderTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source contract on TCP listen mode (process mode): each message is a request on a connection of its
 * own, and what was given up is the requests answered with an error frame. A request is never delivered
 * twice, so the contract checks that each one is processed or answered with an error.
 */
class TcpContractTest extends SourceContract {

    private static final String ERROR_PREFIX = "procpool-error: ";

    @Override
    protected SourceUnderTest source(Path dir) throws IOException {
        int port = FrameClient.freePort();
        return new SourceUnderTest() {
            private final List<FrameClient> clients = new ArrayList<>();
            /** The first frame each request got back, by body; read on a virtual thread per connection. */
            private final Map<String, String> answers = new ConcurrentHashMap<>();

            private final List<String> order = new ArrayList<>();

            @Override
            public List<String> settings() {
                // one unfinished request per worker: a dying worker takes only the request it runs with it
                return List.of("source.type: tcp", "source.listen: 127.0.0.1:" + port, "source.prefetch: 1");
            }

            @Override
            public void publish(PoolProcess pool, List<String> bodies) throws IOException {
                for (String body : bodies) {
                    FrameClient c = new FrameClient(port, 120_000);
                    clients.add(c);
                    order.add(body);
                    c.send(body);
                    Thread.ofVirtual().start(() -> {
                        try {
                            answers.put(body, c.read());
                        } catch (IOException e) {
                            answers.put(body, "closed: " + e);
                        }
                    });
                }
            }

            @Override
            public List<GivenUp> givenUp() {
                List<GivenUp> errors = new ArrayList<>();
                for (String body : order) {
                    String answer = answers.get(body);
                    if (answer != null && answer.startsWith(ERROR_PREFIX)) {
                        errors.add(new GivenUp(body, answer.substring(ERROR_PREFIX.length())));
                    }
                }
                return errors;
            }

            @Override
            public Redelivery redelivery() {
                return Redelivery.NEVER;
            }

            @Override
            public int deliveries() {
                return 1;
            }

            @Override
            public void close() throws IOException {
                for (FrameClient c : clients) {
                    c.close();
                }
            }
        };
    }
}
