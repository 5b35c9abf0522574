package dev.offstage.e2e.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CI chaos scenario's builds wrote while they ran: one line per event, appended by the
 * build's own script ({@code O_APPEND}, so lines from concurrent runs never mix):
 * {@code start <build> <pid> <epoch ms>}, {@code end <build> <pid> <epoch ms> <exit code>}, and
 * {@code overlap <build> <pid> <other pid> <epoch ms>} when a run found another run of its build
 * alive as it started. A run the runtime killed has a start and no end.
 */
record CiLedger(List<Run> starts, List<String> overlaps) {

    /** One run of a build's commands: when it started, and when it ended, if it did. */
    record Run(String buildId, long pid, Instant at, Instant end) {}

    static CiLedger read(Path file) throws IOException {
        var runs = new ArrayList<Run>();
        var open = new HashMap<String, Integer>();
        var overlaps = new ArrayList<String>();
        for (var line : Files.readAllLines(file)) {
            var fields = line.split(" ");
            switch (fields[0]) {
                case "start" -> {
                    open.put(fields[1] + " " + fields[2], runs.size());
                    runs.add(new Run(fields[1], Long.parseLong(fields[2]), Instant.ofEpochMilli(Long.parseLong(fields[3])), null));
                }
                case "end" -> {
                    var index = open.remove(fields[1] + " " + fields[2]);
                    if (index != null) {
                        var run = runs.get(index);
                        runs.set(index, new Run(run.buildId(), run.pid(), run.at(), Instant.ofEpochMilli(Long.parseLong(fields[3]))));
                    } else {
                        overlaps.add("an end without its start: " + line);
                    }
                }
                case "overlap" -> overlaps.add("seen by the build itself: " + line);
                default -> throw new IllegalStateException("Not a ledger line: " + line);
            }
        }
        // Runs that both ended overlap when one started before the other ended.
        var byBuild = new HashMap<String, List<Run>>();
        runs.forEach(run -> byBuild.computeIfAbsent(run.buildId(), id -> new ArrayList<>()).add(run));
        for (var build : byBuild.values()) {
            for (var a : build) {
                for (var b : build) {
                    if (a != b && a.end() != null && b.at().isAfter(a.at()) && b.at().isBefore(a.end())) {
                        overlaps.add("run " + b + " started while " + a + " ran");
                    }
                }
            }
        }
        return new CiLedger(List.copyOf(runs), List.copyOf(overlaps));
    }

    /** Builds by how many times their commands started. */
    Map<String, Long> startsByBuild() {
        var counts = new HashMap<String, Long>();
        starts.forEach(run -> counts.merge(run.buildId(), 1L, Long::sum));
        return counts;
    }
}
