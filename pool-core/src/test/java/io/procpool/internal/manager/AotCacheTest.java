package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/** Groups with the same classpath and options share one AOT cache, and only one of them trains it. */
@EnabledForJreRange(min = JRE.JAVA_25)
class AotCacheTest {

    @TempDir
    Path dir;

    @Test
    void twoGroupsWithTheSameWorkersShareTheCacheAndOneTrainsIt() throws Exception {
        Path jar = Files.writeString(dir.resolve("app.jar"), "not really a jar");
        List<String> classpath = List.of(jar.toString());
        AotCache orders = AotCache.forWorkers(dir.resolve("aot"), classpath, List.of("-Xss512k"));
        AotCache tasks = AotCache.forWorkers(dir.resolve("aot"), classpath, List.of("-Xss512k"));
        assertThat(tasks).isSameAs(orders);
        assertThat(AotCache.isTraining(orders.flagsForNextWorker()))
                .as("the first group's first worker trains")
                .isTrue();
        assertThat(tasks.flagsForNextWorker())
                .as("the other group's worker starts without training while the first is being started")
                .isEmpty();
        AotCache other = AotCache.forWorkers(dir.resolve("aot"), classpath, List.of("-Xss1m"));
        assertThat(other).as("other options: another cache").isNotSameAs(orders);
    }
}
