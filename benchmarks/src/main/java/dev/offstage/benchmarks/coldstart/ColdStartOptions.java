package dev.offstage.benchmarks.coldstart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The cold-start harness's command line.
 *
 * @param functions logical ids to measure; empty for every function of the template
 * @param caches the cached variants to train and measure beside the plain one, in a fixed order (AOT, CDS)
 * @param classLog where each function's first plain run writes its class-load log, or null for none
 */
public record ColdStartOptions(int runs, List<String> functions, Path out, List<ClassDataCache> caches, Path classLog) {

    public static final String USAGE = "[--runs N] [--function LogicalId ...] [--out file.md] [--aot] [--cds] [--class-log DIR]";

    public ColdStartOptions {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
        }
        functions = List.copyOf(functions);
        caches = caches.stream().distinct().sorted().toList();
    }

    /** Parses the arguments; unknown options fail with the usage line. */
    public static ColdStartOptions parse(String... args) {
        var runs = 5;
        var functions = new ArrayList<String>();
        var out = Path.of("target/bench-coldstart.md");
        var caches = EnumSet.noneOf(ClassDataCache.class);
        Path classLog = null;
        for (var i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(value(args, ++i, "--runs"));
                case "--function" -> functions.add(value(args, ++i, "--function"));
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--aot" -> caches.add(ClassDataCache.AOT);
                case "--cds" -> caches.add(ClassDataCache.CDS);
                case "--class-log" -> classLog = Path.of(value(args, ++i, "--class-log")).toAbsolutePath();
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; usage: " + USAGE);
            }
        }
        return new ColdStartOptions(runs, functions, out, List.copyOf(caches), classLog);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value; usage: " + USAGE);
        }
        return args[index];
    }
}
