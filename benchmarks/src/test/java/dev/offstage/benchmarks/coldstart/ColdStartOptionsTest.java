package dev.offstage.benchmarks.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdStartOptionsTest {

    @Test
    void withoutArgumentsFiveRunsOfEveryFunctionAndNoCache() {
        var options = ColdStartOptions.parse();
        assertEquals(5, options.runs());
        assertEquals(List.of(), options.functions());
        assertEquals(Path.of("target/bench-coldstart.md"), options.out());
        assertEquals(List.of(), options.caches());
    }

    @Test
    void cachesComeInAFixedOrderOnceEach() {
        var options = ColdStartOptions.parse("--cds", "--runs", "3", "--aot", "--function", "A", "--cds", "--function", "B");
        assertEquals(3, options.runs());
        assertEquals(List.of("A", "B"), options.functions());
        assertEquals(List.of(ClassDataCache.AOT, ClassDataCache.CDS), options.caches());
    }

    @Test
    void unknownOptionOrMissingValueFailsWithTheUsage() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> ColdStartOptions.parse("--aot-cache"));
        assertTrue(unknown.getMessage().contains(ColdStartOptions.USAGE), unknown.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> ColdStartOptions.parse("--runs"));
        assertTrue(missing.getMessage().startsWith("--runs needs a value"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ColdStartOptions.parse("--runs", "0"));
    }
}
