package dev.offstage.benchmarks.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offstage.benchmarks.coldstart.ColdStartTable.Row;
import dev.offstage.benchmarks.coldstart.ColdStartTable.Sample;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdStartTableTest {

    @Test
    void readsResidentSetSizeFromProcStatus() {
        var status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmHWM:\t  190000 kB\nVmRSS:\t  178312 kB\nRssAnon:\t  120000 kB\n";
        assertEquals(178312, ColdStartTable.vmRssKib(status));
    }

    @Test
    void readsLoadedClassesFromJstat() {
        var output = "Loaded  Bytes  Unloaded  Bytes     Time   \n  5797 11234.5        0     0.0       1.23\n";
        assertEquals(5797, ColdStartTable.jstatLoadedClasses(output));
    }

    @Test
    void describesHttpAndBatchAnswers() {
        assertEquals("HTTP 202", ColdStartTable.describeResponse("{\"statusCode\":202,\"body\":\"{}\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("2 batch item failure(s)", ColdStartTable.describeResponse(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("ok", ColdStartTable.describeResponse("\"hello\"".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(15.0, ColdStartTable.median(new long[] {10, 12, 18, 40}));
        assertEquals(12.0, ColdStartTable.median(new long[] {10, 12, 18}));
    }

    @Test
    void coldStartsOverTheGoalAreBoldAndRatiosDivideByTheFirstRow() {
        var baseline = new Row("HelloWorld (baseline)", "on-demand", 512, 8192, "events/a.json",
                List.of(new Sample(400, 100, 5, 80 * 1024, 2000, "ok"), new Sample(500, 100, 5, 80 * 1024, -1, "ok")));
        var slow = new Row("Slow", "snap-start", 1024, 2 * 1048576, "events/b.json",
                List.of(new Sample(900, 600, 50, 160 * 1024, 5000, "HTTP 200"), new Sample(1100, 400, 50, 160 * 1024, -1, "HTTP 200")));
        var near = new Row("Near", "on-demand", 512, -1, "events/c.json",
                List.of(new Sample(600, 100, 5, 80 * 1024, -1, "ok"), new Sample(600, 100, 5, 80 * 1024, -1, "HTTP 500")));
        var table = ColdStartTable.markdown(List.of(baseline, slow, near), 2);
        var lines = table.lines().toList();
        assertTrue(lines.get(5).startsWith("| HelloWorld (baseline) | on-demand | 512 | 8 | 450 | 1.00 | 100 | 550 | 1.00 |"), lines.get(5));
        assertTrue(lines.get(1).startsWith("Init type snap-start: the init Lambda runs before a SnapStart snapshot"), lines.get(1));
        assertTrue(lines.get(6).startsWith("| Slow | snap-start | 1024 | 2,048 | 1000 | 2.22 | 500 | 1500 | **2.73** |"), lines.get(6));
        assertTrue(lines.get(6).endsWith("| 160 | 2.00 | 5000 | 2.5 | events/b.json: HTTP 200 |"), lines.get(6));
        assertTrue(lines.get(7).startsWith("| Near | on-demand | 512 | — | 600 | 1.33 | 100 | 700 | 1.27 |"), lines.get(7));
        assertTrue(lines.get(7).endsWith("| — | — | events/c.json: ok (1×); HTTP 500 (1×) |"), lines.get(7));
        // The SnapStart row again, as a caller meets it: restore budget 1.5 × 550 − 500.
        assertTrue(table.contains("Restore budget = 1.5 × the baseline's cold start (550 ms)"), table);
        assertTrue(table.contains("| Slow | 500 | 5.00 | 0.91 | 325 |"), table);
        assertFalse(table.contains("| Near | 100 |"), table);
    }

    @Test
    void noSnapStartRowsNoSnapStartTable() {
        var baseline = new Row("HelloWorld (baseline)", "on-demand", 512, 8192, "events/a.json",
                List.of(new Sample(400, 100, 5, 80 * 1024, 2000, "ok")));
        var slow = new Row("Slow", "snap-start", 1024, 8192, "events/b.json", List.of(new Sample(900, 800, 50, 160 * 1024, 5000, "ok")));
        assertEquals("", ColdStartTable.snapStartMarkdown(List.of(baseline)));
        assertTrue(ColdStartTable.snapStartMarkdown(List.of(baseline, slow)).contains("| Slow | 800 | 8.00 | 1.60 | **none** |"));
    }

    @Test
    void cachedRowsCompareWithThemselvesThePlainBaselineAndTheCachedBaseline() {
        var plainBaseline = new Row("HelloWorld (baseline)", "on-demand", 512, 8192, "events/a.json",
                List.of(new Sample(400, 100, 5, 80 * 1024, 2000, "ok")));
        var plainSlow = new Row("Slow", "on-demand", 1024, 8192, "events/b.json", List.of(new Sample(1000, 500, 50, 160 * 1024, 5000, "ok")));
        var cachedBaseline = new Row("HelloWorld (baseline)", "on-demand", 512, 8192, "events/a.json",
                List.of(new Sample(200, 50, 5, 60 * 1024, 2000, "ok")));
        var cachedSlow = new Row("Slow", "on-demand", 1024, 8192, "events/b.json", List.of(new Sample(500, 250, 40, 120 * 1024, 5000, "ok")));
        var table = ColdStartTable.cachedMarkdown(ClassDataCache.AOT, List.of(plainBaseline, plainSlow),
                List.of(new ColdStartTable.CachedRow(cachedBaseline, 12 * 1048576, new ClassDataCache.SharedClasses(1990, 2000)),
                        new ColdStartTable.CachedRow(cachedSlow, 60 * 1048576, new ClassDataCache.SharedClasses(4900, 5000))),
                1);
        var lines = table.lines().toList();
        assertTrue(lines.get(2).startsWith("| function + AOT | cache MiB | classes from the cache |"), lines.get(2));
        // Baseline + AOT: half its plain self; 0.50 of the plain baseline; 1.00 of itself.
        assertEquals("| HelloWorld (baseline) | 12.0 | 1,990 of 2,000 | 200 | 0.50 | 50 | 250 | 0.50 | 0.50 | 1.00 | 5 | 60 | 0.75"
                + " | events/a.json: ok |", lines.get(4));
        // Slow + AOT: 750 ms = 0.50 of its plain 1500, 1.50 of the plain baseline's 500, 3.00 of the cached baseline's 250.
        assertEquals("| Slow | 60.0 | 4,900 of 5,000 | 500 | 0.50 | 250 | 750 | 0.50 | 1.50 | **3.00** | 40 | 120 | 0.75"
                + " | events/b.json: ok |", lines.get(5));
    }
}
