package io.procpool.it;

import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.SourceContract;
import io.procpool.testkit.SourceUnderTest;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source contract on a Kafka group group (KafkaFixture). */
class KafkaGroupContractTest extends SourceContract {

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @Override
    protected SourceUnderTest source(Path dir) throws Exception {
        return new KafkaSources("group", kafka);
    }
}
