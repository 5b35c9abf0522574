package dev.offstage.posts.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PostAnalyzersTest {

    private final PostAnalyzers analyzers = new PostAnalyzers();

    @Test
    void englishStemsWords() {
        assertThat(analyzers.terms("running runs", "en")).containsExactly("run", "run");
    }

    @Test
    void stopWordsAreDropped() {
        assertThat(analyzers.terms("the cat and the hat", "en")).containsExactly("cat", "hat");
    }

    @Test
    void caseIsFolded() {
        assertThat(analyzers.terms("LUCENE Lucene lucene", null)).containsExactly("lucen", "lucen", "lucen");
    }

    @Test
    void unknownOrAbsentLanguageUsesTheEnglishDefault() {
        assertThat(analyzers.terms("The runners are running", "xx"))
                .isEqualTo(analyzers.terms("The runners are running", null))
                .isEqualTo(analyzers.terms("The runners are running", "en"))
                .containsExactly("runner", "run");
    }

    @Test
    void regionSubtagsPickTheLanguage() {
        assertThat(analyzers.terms("Häuser", "de-AT")).isEqualTo(analyzers.terms("Häuser", "de"));
    }

    @Test
    void germanFoldsUmlautsAndStemsPlurals() {
        assertThat(analyzers.terms("Die Häuser", "de")).isEqualTo(analyzers.terms("das Haus", "de"));
        assertThat(analyzers.terms("Straße", "de")).isEqualTo(analyzers.terms("Strasse", "de"));
    }

    @Test
    void germanStopWordsDependOnTheLanguage() {
        assertThat(analyzers.terms("und", "de")).isEmpty();
        assertThat(analyzers.terms("und", "en")).containsExactly("und");
    }

    @Test
    void frenchElisionAndStemming() {
        assertThat(analyzers.terms("l'avion", "fr")).isEqualTo(analyzers.terms("avions", "fr"));
    }

    @Test
    void emojiAreIgnored() {
        assertThat(analyzers.terms("🚀 launch 🎉🎉", "en")).containsExactly("launch");
        assertThat(analyzers.terms("👍🏽", null)).isEmpty();
    }

    @Test
    void hashtagsAndMentionsAreIndexedAsTheirWords() {
        assertThat(analyzers.terms("Loving #Lucene with @alice_b", null)).containsExactly("love", "lucen", "alice_b");
        assertThat(analyzers.terms("#running", null)).isEqualTo(analyzers.terms("running", null));
    }

    @Test
    void termFrequenciesCountRepeats() {
        assertThat(analyzers.termFrequencies("run, running, ran away", "en"))
                .containsExactly(org.assertj.core.api.Assertions.entry("run", 2),
                        org.assertj.core.api.Assertions.entry("ran", 1),
                        org.assertj.core.api.Assertions.entry("awai", 1));
    }

    @Test
    void queryTermsAddTheRequestedLanguageToTheDefault() {
        assertThat(analyzers.queryTerms("Häuser", null)).containsExactly("häuser");
        assertThat(analyzers.queryTerms("Häuser", "de")).containsExactly("häuser", "haus");
        assertThat(analyzers.queryTerms("running running", null)).containsExactly("run");
    }

    @Test
    void firstOffsetFindsTheFirstMatchingToken() {
        var text = "Nothing here. Then RUNNING later, and runs.";
        assertThat(analyzers.firstOffset(text, "en", Set.of("run"))).hasValue(text.indexOf("RUNNING"));
        assertThat(analyzers.firstOffset(text, "en", Set.of("absent"))).isEmpty();
    }
}
