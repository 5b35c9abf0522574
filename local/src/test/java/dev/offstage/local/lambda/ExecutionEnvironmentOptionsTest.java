package dev.offstage.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionEnvironmentOptionsTest {

    private static final List<String> LAMBDA = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx435m");

    @Test
    void anAotCacheInJavaToolOptionsDropsXshareWhichTheJvmRefusesBesideIt() {
        var without = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx435m");
        assertEquals(without, ExecutionEnvironment.withoutXshareForAotCache(LAMBDA, "-Xss2m -XX:AOTCache=/var/task/app.aot"));
        assertEquals(without, ExecutionEnvironment.withoutXshareForAotCache(LAMBDA, "-XX:AOTCacheOutput=/tmp/app.aot"));
        assertEquals(without, ExecutionEnvironment.withoutXshareForAotCache(LAMBDA, "-XX:AOTMode=record -XX:AOTConfiguration=a.conf"));
    }

    @Test
    void otherwiseLambdasOptionsStayAsTheyAre() {
        assertEquals(LAMBDA, ExecutionEnvironment.withoutXshareForAotCache(LAMBDA, null));
        assertEquals(LAMBDA, ExecutionEnvironment.withoutXshareForAotCache(LAMBDA, "-Xss2m"));
        // A CDS archive works beside -Xshare:auto.
        assertEquals(LAMBDA, ExecutionEnvironment.withoutXshareForAotCache(LAMBDA, "-XX:SharedArchiveFile=/var/task/app.jsa"));
    }
}
