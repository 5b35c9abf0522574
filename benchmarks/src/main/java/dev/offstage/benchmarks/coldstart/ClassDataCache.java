package dev.offstage.benchmarks.coldstart;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A per-function cache of the JVM's class data, as the cold-start harness trains and uses it: the
 * JVM option of the training run that writes it at exit, and the option of the runs that read it.
 * Both go into {@code JAVA_TOOL_OPTIONS}, as a function on Lambda would set them.
 */
public enum ClassDataCache {

    /**
     * JDK 25's AOT cache (JEP 483/514/515): classes parsed, linked and partly initialised, plus
     * method profiles. One step: the training JVM writes it at exit, in a child JVM of its own.
     */
    AOT("AOT", "-XX:AOTCacheOutput=", "-XX:AOTCache=", ".aot"),

    /**
     * A dynamic CDS archive, the AOT cache's predecessor: classes parsed and verified, layered on
     * the JDK's default archive; nothing linked or initialised ahead of time.
     */
    CDS("CDS", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", ".jsa");

    private final String label;
    private final String trainingOption;
    private final String useOption;
    private final String extension;

    ClassDataCache(String label, String trainingOption, String useOption, String extension) {
        this.label = label;
        this.trainingOption = trainingOption;
        this.useOption = useOption;
        this.extension = extension;
    }

    /** How the table names it: {@code AOT}, {@code CDS}. */
    public String label() {
        return label;
    }

    /** The option that makes a JVM write the cache to {@code file} when it exits normally. */
    public String trainingOption(Path file) {
        return trainingOption + file;
    }

    /** The option that makes a JVM read the cache (and run on without it if it does not match). */
    public String useOption(Path file) {
        return useOption + file;
    }

    /** The cache's file name for one function: {@code <logical id>.aot} or {@code .jsa}. */
    public String fileName(String function) {
        return fileSafe(function) + extension;
    }

    /**
     * {@code name} with every run of characters other than letters and digits turned into one
     * dash: the JVM splits {@code JAVA_TOOL_OPTIONS} at spaces, also in the child JVM that writes
     * an AOT cache, whose class path arrives there too.
     */
    public static String fileSafe(String name) {
        return name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /** The command-line value: {@code --aot} or {@code --cds}. */
    public String option() {
        return "--" + name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code JAVA_TOOL_OPTIONS} with {@code option} appended to what the function already sets
     * ({@code null} or blank when it sets nothing).
     */
    public static String appendToolOption(String javaToolOptions, String option) {
        return javaToolOptions == null || javaToolOptions.isBlank() ? option : javaToolOptions.strip() + " " + option;
    }

    /**
     * How many classes a JVM took from its shared archives, out of all it loaded, read from its
     * {@code -Xlog:class+load} output: {@code source: shared objects file} (also {@code (top)}, the
     * dynamic CDS layer) against any other source.
     */
    public static SharedClasses sharedClasses(String classLoadLog) {
        long shared = 0;
        long loaded = 0;
        for (var line : (Iterable<String>) classLoadLog.lines()::iterator) {
            var source = line.indexOf(" source: ");
            if (!line.contains("[class,load") || source < 0) {
                continue;
            }
            loaded++;
            if (line.startsWith("shared objects file", source + " source: ".length())) {
                shared++;
            }
        }
        return new SharedClasses(shared, loaded);
    }

    /** Classes loaded from the shared archives, and all classes loaded. */
    public record SharedClasses(long shared, long loaded) {

        /** {@code 5,612 of 5,640}. */
        public String describe() {
            return String.format(Locale.ROOT, "%,d of %,d", shared, loaded);
        }
    }
}
