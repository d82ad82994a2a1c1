package io.procpool.it;

import io.procpool.testkit.RedisFixture;
import io.procpool.testkit.SourceContract;
import io.procpool.testkit.SourceUnderTest;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source contract on a Redis stream (RedisFixture). */
class RedisStreamContractTest extends SourceContract {

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @Override
    protected SourceUnderTest source(Path dir) {
        return new RedisSources("stream", redis.url());
    }
}
