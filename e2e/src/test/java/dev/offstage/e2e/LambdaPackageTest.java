package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.offstage.local.model.FunctionSpec;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.template.Templates;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What {@code sam build} deploys: each function module's {@code target/<artifactId>-lambda.zip}
 * (made on {@code package}, unzipped by the Makefile's {@code build-<Function>} targets) holds the
 * handler classes of every function the template points at the module, at the zip's root as Lambda
 * loads them from {@code /var/task}, and the runtime jars under {@code lib/} — the toolkit's among
 * them, and nothing only the tests use. This module is built after every function module, so under
 * {@code ./mvnw verify} the zips exist; a build that stops before {@code package} skips the test.
 */
class LambdaPackageTest {

    private static final Path TEMPLATE = Path.of("template.yaml");

    /** Jars the tests, the local runtime or the build use, which Lambda must not get. */
    private static final List<String> TEST_ONLY_JARS = List.of("junit", "assertj", "offstage-testing", "offstage-local",
            "wiremock", "aws-lambda-java-tests", "aws-lambda-java-runtime-interface-client", "elasticmq", "s3proxy",
            "testcontainers", "opentest4j", "byte-buddy");

    @Test
    void everyFunctionsZipHoldsItsHandlerAtTheRootAndOnlyRuntimeJarsInLib() throws IOException {
        var application = Templates.load(TEMPLATE, Map.of(),
                LocalNaming.of("offstage", URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:2")));
        var byModule = new TreeMap<Path, List<FunctionSpec>>();
        application.functions().values().forEach(function ->
                byModule.computeIfAbsent(function.codeUri(), module -> new ArrayList<>()).add(function));
        assertThat(byModule).as("function modules").isNotEmpty();

        for (var module : byModule.entrySet()) {
            var zip = lambdaZip(module.getKey());
            assumeTrue(Files.isRegularFile(zip), zip + " is made by `package` (./mvnw verify builds it before this module)");
            try (var file = new ZipFile(zip.toFile())) {
                var entries = file.stream().map(entry -> entry.getName()).toList();
                for (var function : module.getValue()) {
                    var handlerClass = function.handler().split("::")[0].replace('.', '/') + ".class";
                    assertThat(entries).as(function.logicalId() + "'s handler in " + zip).contains(handlerClass);
                }
                assertThat(entries).as("the toolkit in " + zip)
                        .anyMatch(name -> name.matches("lib/offstage-shared-[^/]+\\.jar"));
                assertThat(entries).as("every jar of " + zip + " is under lib/")
                        .filteredOn(name -> name.endsWith(".jar")).allMatch(name -> name.matches("lib/[^/]+\\.jar"));
                assertThat(entries).as("test-only jars in " + zip).noneMatch(name ->
                        name.startsWith("lib/") && TEST_ONLY_JARS.stream().anyMatch(name::contains));
                assertThat(entries).as("test classes in " + zip).noneMatch(name -> name.endsWith("Test.class"));
            }
        }
    }

    /** Issue 8: the transcoder analyzes no text, so its zip carries no Lucene (the posts module's search does). */
    @Test
    void theTranscodersZipCarriesNoLucene() throws IOException {
        var application = Templates.load(TEMPLATE, Map.of(),
                LocalNaming.of("offstage", URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:2")));
        var transcoder = application.functions().get("VideoTranscoderFunction");
        assertThat(transcoder).as("VideoTranscoderFunction in " + TEMPLATE).isNotNull();
        var zip = lambdaZip(transcoder.codeUri());
        assumeTrue(Files.isRegularFile(zip), zip + " is made by `package` (./mvnw verify builds it before this module)");
        try (var file = new ZipFile(zip.toFile())) {
            var entries = file.stream().map(entry -> entry.getName()).toList();
            assertThat(entries).as(zip + " holds the transcoder").contains(
                    transcoder.handler().split("::")[0].replace('.', '/') + ".class");
            assertThat(entries).as("Lucene in " + zip)
                    .noneMatch(name -> name.startsWith("lib/lucene-") || name.startsWith("org/apache/lucene/"));
        }
    }

    /** {@code <module>/target/<artifactId>-lambda.zip}, the artifactId being the one declared in the module's pom. */
    private static Path lambdaZip(Path module) throws IOException {
        var pom = Files.readString(module.resolve("pom.xml"));
        // The module's own artifactId: the first one after the parent block.
        var afterParent = pom.substring(pom.indexOf("</parent>"));
        var start = afterParent.indexOf("<artifactId>") + "<artifactId>".length();
        var artifactId = afterParent.substring(start, afterParent.indexOf("</artifactId>", start)).strip();
        return module.resolve("target").resolve(artifactId + "-lambda.zip");
    }
}
