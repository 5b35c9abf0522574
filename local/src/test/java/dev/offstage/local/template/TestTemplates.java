package dev.offstage.local.template;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The test templates under {@code src/test/resources/templates/}, as files (CodeUri resolves against their folder). */
public final class TestTemplates {

    /** Naming as in the tests' expectations: stack {@code offstage-test}, fixed endpoints. */
    public static final LocalNaming NAMING = LocalNaming.of("offstage-test",
            URI.create("http://127.0.0.1:9324"), URI.create("http://127.0.0.1:3000/"));

    private TestTemplates() {}

    /** @param name a path under {@code templates/}, e.g. {@code full.yaml} or {@code mistakes/ref-to-nothing.yaml} */
    public static Path path(String name) {
        var url = TestTemplates.class.getResource("/templates/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test template " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
