package dev.offstage.local.lambda;

import dev.offstage.local.model.FunctionSpec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A function's code as its module's build leaves it: {@code <CodeUri>/target/classes} and the
 * dependency jars listed in {@code <CodeUri>/target/lambda-classpath.txt} (what SAM would zip as
 * the function's {@code lib/}).
 *
 * @param classes the compiled classes directory, the function's task root
 * @param jars the dependency jars, in the listed order
 */
record FunctionCode(Path classes, List<Path> jars) {

    static final String CLASSPATH_FILE = "target/lambda-classpath.txt";
    static final String CLASSES_DIRECTORY = "target/classes";

    // dependency:build-classpath writes one line joined by the path separator; one path per line works too.
    private static final Pattern SEPARATORS = Pattern.compile("[\\r\\n" + Pattern.quote(File.pathSeparator) + "]+");

    FunctionCode {
        jars = List.copyOf(jars);
    }

    /**
     * Reads the function's build output.
     *
     * @throws FunctionSetupException naming the missing directory, file or jar and how to build it
     */
    static FunctionCode of(FunctionSpec function) {
        var codeUri = function.codeUri().toAbsolutePath().normalize();
        if (!Files.isDirectory(codeUri)) {
            throw FunctionSetupException.of(function.logicalId(), "CodeUri " + codeUri + " is not a directory");
        }
        var classes = codeUri.resolve(CLASSES_DIRECTORY);
        if (!Files.isDirectory(classes)) {
            throw notBuilt(function, classes + " does not exist");
        }
        var classpathFile = codeUri.resolve(CLASSPATH_FILE);
        if (!Files.isRegularFile(classpathFile)) {
            throw notBuilt(function, classpathFile + " does not exist");
        }
        var jars = new ArrayList<Path>();
        for (var entry : SEPARATORS.split(read(classpathFile))) {
            if (entry.isBlank()) {
                continue;
            }
            var jar = codeUri.resolve(entry.strip()).normalize();
            if (!Files.exists(jar)) {
                throw notBuilt(function, jar + ", listed in " + classpathFile + ", does not exist");
            }
            jars.add(jar);
        }
        return new FunctionCode(classes, jars);
    }

    /** Classes first, then jars: the order Lambda's class loader searches a deployment package. */
    List<Path> classpath() {
        var entries = new ArrayList<Path>(jars.size() + 1);
        entries.add(classes);
        entries.addAll(jars);
        return entries;
    }

    List<URL> urls() {
        return classpath().stream().map(FunctionCode::url).toList();
    }

    static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Not a file path: " + path, e);
        }
    }

    private static FunctionSetupException notBuilt(FunctionSpec function, String what) {
        return FunctionSetupException.of(function.logicalId(),
                "no build output: " + what + "; run ./mvnw package (it writes " + CLASSES_DIRECTORY + " and "
                        + CLASSPATH_FILE + " in " + function.codeUri() + ")");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
