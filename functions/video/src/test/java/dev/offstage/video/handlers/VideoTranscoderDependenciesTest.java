package dev.offstage.video.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Issue 8: the transcoder must not load Lucene. Lucene is the posts module's (search analyzers);
 * the video module's class path, of which its Lambda zip is a subset, does not have it at all, so
 * no path of the transcoder can load it. (e2e's {@code LambdaPackageTest} checks the zip itself.)
 */
class VideoTranscoderDependenciesTest {

    @Test
    void luceneIsNotOnTheTranscodersClassPath() {
        var loader = VideoTranscoderHandler.class.getClassLoader();
        assertThat(loader.getResource(VideoTranscoderHandler.class.getName().replace('.', '/') + ".class"))
                .as("the transcoder's own class, through the same loader").isNotNull();
        for (var luceneClass : new String[] {"org.apache.lucene.analysis.Analyzer", "org.apache.lucene.util.Constants",
                "org.apache.lucene.analysis.en.EnglishAnalyzer"}) {
            assertThatThrownBy(() -> Class.forName(luceneClass, false, loader)).as(luceneClass)
                    .isInstanceOf(ClassNotFoundException.class);
        }
        assertThat(loader.getResource("org/apache/lucene/")).as("any Lucene package").isNull();
    }
}
