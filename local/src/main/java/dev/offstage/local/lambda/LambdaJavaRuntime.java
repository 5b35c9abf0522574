package dev.offstage.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import dev.offstage.local.lambda.bootstrap.Bootstrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * The local stand-in for Lambda's {@code java25} managed runtime ({@code /var/lang} and
 * {@code /var/runtime}): this JVM's own Java installation, and the jars the runtime puts beside a
 * function — the runtime interface client, {@code aws-lambda-java-core},
 * {@code aws-lambda-java-serialization} and {@code utils-lite} — taken from where this JVM loaded
 * them, so they are exactly the versions {@code local} was built with.
 *
 * <p>Owns a private directory holding the RIC's native library and the {@link Bootstrap} class;
 * {@link #close()} deletes it.
 */
final class LambdaJavaRuntime implements AutoCloseable {

    /** The system property the RIC loads its JNI library from instead of unpacking its own. */
    static final String NATIVE_LIBRARY_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final Path directory;
    private final Path java;
    private final List<Path> classpath;
    private final Path nativeLibrary;

    private LambdaJavaRuntime(Path directory, Path java, List<Path> classpath, Path nativeLibrary) {
        this.directory = directory;
        this.java = java;
        this.classpath = List.copyOf(classpath);
        this.nativeLibrary = nativeLibrary;
    }

    static LambdaJavaRuntime prepare() {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("offstage-lambda-runtime-");
            var bootstrapJar = directory.resolve("bootstrap.jar");
            writeClassJar(Bootstrap.class, bootstrapJar);
            var jars = new LinkedHashSet<Path>();
            for (var runtimeClass : List.of(AWSLambda.class, Context.class, PojoSerializer.class, SdkInternalThreadLocal.class)) {
                jars.add(locationOf(runtimeClass));
            }
            var classpath = new ArrayList<>(jars);
            classpath.add(bootstrapJar);
            var java = Path.of(System.getProperty("java.home"), "bin", "java");
            return new LambdaJavaRuntime(directory, java, classpath, unpackNativeLibrary(directory));
        } catch (IOException e) {
            delete(directory);
            throw new UncheckedIOException("Cannot prepare the local Lambda runtime directory", e);
        } catch (RuntimeException e) {
            delete(directory);
            throw e;
        }
    }

    /** The {@code java} launcher of this JVM's installation (Java 25, as the {@code java25} runtime). */
    Path java() {
        return java;
    }

    /** The runtime's jars and the bootstrap jar, to put before the function's code. */
    List<Path> classpath() {
        return classpath;
    }

    Path nativeLibrary() {
        return nativeLibrary;
    }

    /** The directory standing in for {@code LAMBDA_RUNTIME_DIR}. */
    Path directory() {
        return directory;
    }

    @Override
    public void close() {
        delete(directory);
    }

    private static Path locationOf(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("Cannot locate the jar of " + type.getName());
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the jar of " + type.getName(), e);
        }
    }

    /**
     * Writes one class file into a jar of its own, so the child's class path holds the bootstrap
     * and nothing else of {@code local}. A jar, not a directory: the JVM's AOT cache and CDS
     * archives refuse to be created from a class path with a non-empty directory in it.
     */
    private static void writeClassJar(Class<?> type, Path jar) throws IOException {
        var resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource);
                var out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (in == null) {
                throw new IllegalStateException("Class file " + resource + " not found");
            }
            out.putNextEntry(new JarEntry(resource));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    /**
     * The RIC unpacks its JNI library to the fixed path {@code /tmp/.libaws-lambda-jni.so} at every
     * start, which races when several environments start at once (and fails when another user owns
     * the file); Lambda's sandbox has one environment per {@code /tmp}. Unpacking it once here and
     * pointing {@value #NATIVE_LIBRARY_PROPERTY} at it avoids both.
     */
    private static Path unpackNativeLibrary(Path directory) throws IOException {
        var name = nativeLibraryName();
        var target = directory.resolve("libaws-lambda-jni.so");
        try (InputStream in = AWSLambda.class.getResourceAsStream("/jni/" + name)) {
            if (in == null) {
                throw new IllegalStateException("The runtime interface client has no native library " + name);
            }
            Files.copy(in, target);
        }
        return target;
    }

    private static String nativeLibraryName() {
        var os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new IllegalStateException("Lambda's runtime interface client runs on Linux only (its native "
                    + "client has no build for " + System.getProperty("os.name") + ")");
        }
        var arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> throw new IllegalStateException("Lambda runs on x86_64 and arm64; this machine is "
                    + System.getProperty("os.arch"));
        };
        return "libaws-lambda-jni." + (isMusl() ? "linux_musl-" : "linux-") + arch + ".so";
    }

    private static boolean isMusl() {
        try (Stream<Path> lib = Files.list(Path.of("/lib"))) {
            return lib.anyMatch(path -> path.getFileName().toString().startsWith("ld-musl-"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void delete(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless; nothing to report to a caller that is stopping.
        }
    }
}
