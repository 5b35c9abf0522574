package dev.offstage.benchmarks.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offstage.benchmarks.coldstart.ClassDataCache.SharedClasses;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClassDataCacheTest {

    private static final Path FILE = Path.of("/work/target/bench-coldstart/caches/Fn.aot");

    @Test
    void trainingWritesAndRunsReadTheSameFile() {
        assertEquals("-XX:AOTCacheOutput=/work/target/bench-coldstart/caches/Fn.aot", ClassDataCache.AOT.trainingOption(FILE));
        assertEquals("-XX:AOTCache=/work/target/bench-coldstart/caches/Fn.aot", ClassDataCache.AOT.useOption(FILE));
        assertEquals("-XX:ArchiveClassesAtExit=/x/Fn.jsa", ClassDataCache.CDS.trainingOption(Path.of("/x/Fn.jsa")));
        assertEquals("-XX:SharedArchiveFile=/x/Fn.jsa", ClassDataCache.CDS.useOption(Path.of("/x/Fn.jsa")));
        assertEquals("Fn.aot", ClassDataCache.AOT.fileName("Fn"));
        assertEquals("Fn.jsa", ClassDataCache.CDS.fileName("Fn"));
        assertEquals("HelloWorld-baseline.aot", ClassDataCache.AOT.fileName("HelloWorld (baseline)"));
    }

    @Test
    void theCacheOptionIsAppendedToWhatTheFunctionAlreadySets() {
        assertEquals("-XX:AOTCache=/c.aot", ClassDataCache.appendToolOption(null, "-XX:AOTCache=/c.aot"));
        assertEquals("-XX:AOTCache=/c.aot", ClassDataCache.appendToolOption("  ", "-XX:AOTCache=/c.aot"));
        assertEquals("-Xss2m -XX:AOTCache=/c.aot", ClassDataCache.appendToolOption("-Xss2m ", "-XX:AOTCache=/c.aot"));
    }

    @Test
    void countsClassesLoadedFromTheSharedArchivesIncludingTheDynamicLayer() {
        var log = """
                [0.012s][info][class,load] java.lang.Object source: shared objects file
                [0.013s][info][class,load] java.lang.String source: shared objects file
                [0.201s][info][class,load] dev.offstage.Handler source: shared objects file (top)
                [0.202s][info][class,load] dev.offstage.Other source: file:/work/fn/classes.jar
                [0.203s][info][class,load] jdk.internal.reflect.Generated source: __JVM_LookupDefineClass__
                [0.204s][warning][aot] Skipping something: not a class line
                """;
        var shared = ClassDataCache.sharedClasses(log);
        assertEquals(new SharedClasses(3, 5), shared);
        assertEquals("3 of 5", shared.describe());
    }
}
