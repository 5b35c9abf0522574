package dev.offstage.posts.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.posts.event.PostEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PostFactsTest {

    @Test
    void hashtagsAreCaseFoldedDistinctAndInOrderOfFirstAppearance() {
        assertThat(PostFacts.hashtags("Loving #Rust and #java, more #RUST! (#Go)"))
                .containsExactly("rust", "java", "go");
    }

    @Test
    void unicodeLettersDigitsMarksAndUnderscoresMakeHashtags() {
        assertThat(PostFacts.hashtags("#東京 #café #हिन्दी #snake_case #Straße #STRASSE #Ελλάδα"))
                .containsExactly("東京", "café", "हिन्दी", "snake_case", "strasse", "ελλάδα");
    }

    @Test
    void combiningAndPrecomposedAccentsAreTheSameHashtag() {
        assertThat(PostFacts.hashtags("#cafe\u0301 #caf\u00e9")).containsExactly("caf\u00e9");
    }

    @Test
    void fullwidthSignsAreNormalised() {
        assertThat(PostFacts.hashtags("＃ｒｕｓｔ")).containsExactly("rust");
        assertThat(PostFacts.mentions("＠Ａｎｎ")).containsExactly("ann");
    }

    @Test
    void aSignAloneOrBeforeNonWordCharactersIsNothing() {
        assertThat(PostFacts.hashtags("# #! #🎉 #-x end#")).isEmpty();
        assertThat(PostFacts.mentions("@ @! say @")).isEmpty();
    }

    @Test
    void digitsOnlyAreNotHashtagsButDigitsWithALetterAre() {
        assertThat(PostFacts.hashtags("#1 #2026 #2026wc #_1")).containsExactly("2026wc");
    }

    @Test
    void signsInsideWordsUrlsAndEntitiesAreNotHashtags() {
        assertThat(PostFacts.hashtags("page#top https://x.example/#/route &#38; ##double")).isEmpty();
    }

    @Test
    void hashtagEndsAtPunctuation() {
        assertThat(PostFacts.hashtags("(#rust), #java. #go's")).containsExactly("rust", "java", "go");
    }

    @Test
    void emailAddressIsNotAMention() {
        assertThat(PostFacts.mentions("write to email@example.com or @Ann_B, cc @ann_b")).containsExactly("ann_b");
    }

    @Test
    void tooLongNamesAreIgnoredAndAtMostThirtyCount() {
        assertThat(PostFacts.hashtags("#" + "a".repeat(PostFacts.MAX_NAME_LENGTH + 1) + " #ok")).containsExactly("ok");
        var many = IntStream.range(0, 40).mapToObj(i -> "#t" + i).collect(Collectors.joining(" "));
        assertThat(PostFacts.hashtags(many)).hasSize(PostFacts.MAX_NAMES).startsWith("t0").endsWith("t29");
    }

    @Test
    void bucketsAreTheUtcHourAndDayOfCreation() {
        var event = new PostEvent(PostEvent.Type.UPDATED, "p1", 3, "a1", "#later @bob",
                Instant.parse("2026-11-26T23:59:59.999Z"), Instant.parse("2026-11-27T08:00:00Z"), "en");

        var facts = PostFacts.of(event);

        assertThat(facts.hour()).isEqualTo(Instant.parse("2026-11-26T23:00:00Z"));
        assertThat(facts.day()).isEqualTo(LocalDate.parse("2026-11-26"));
        assertThat(facts.hashtags()).containsExactly("later");
        assertThat(facts.mentions()).containsExactly("bob");
    }

    @Test
    void deletionHasNoNames() {
        var event = new PostEvent(PostEvent.Type.DELETED, "p1", 4, "a1", null,
                Instant.parse("2026-11-26T10:00:00Z"), Instant.parse("2026-11-27T08:00:00Z"), null);

        assertThat(PostFacts.of(event).hashtags()).isEmpty();
        assertThat(PostFacts.of(event).mentions()).isEmpty();
    }
}
