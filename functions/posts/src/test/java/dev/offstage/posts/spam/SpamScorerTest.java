package dev.offstage.posts.spam;

import static dev.offstage.posts.spam.Posts.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each rule alone, then together: what fires, how much, and why. */
class SpamScorerTest {

    private final SpamConfig config = SpamConfig.defaults().withBlocklist(Set.of("spam.example", "Bücher.example", "spamdeals.com"));
    private final SpamScorer scorer = new SpamScorer(config);

    private Verdict score(String text) {
        return scorer.score(post(text), Signals.none());
    }

    private static List<String> rules(Verdict verdict) {
        return verdict.reasons().stream().map(Reason::rule).toList();
    }

    private static double contribution(Verdict verdict, String rule) {
        return verdict.reasons().stream().filter(reason -> reason.rule().equals(rule))
                .mapToDouble(Reason::contribution).sum();
    }

    @Test
    void ordinaryPostIsNotSpamAndHasOnlyThePrior() {
        var verdict = score("Had a lovely walk by the river this morning, the leaves are turning.");

        assertThat(verdict.spam()).isFalse();
        assertThat(rules(verdict)).containsExactly("prior");
        assertThat(verdict.score()).isCloseTo(1 / (1 + Math.exp(3)), within(1e-12));
        assertThat(verdict.modelVersion()).isEqualTo("rules-1/tokens-0");
    }

    @Test
    void contributionsAddUpToThePointsWhoseLogisticIsTheScore() {
        var verdict = scorer.score(post("BUY NOW!!!! @A @B @C @D @E #X #Y #Z #W HTTP://SPAM.EXAMPLE/X WWW.OK.EXAMPLE OTHER.COM"),
                new Signals(3, new TokenModel(4, Map.of("buy", 1.25, "now", 0.5))));

        var sum = verdict.reasons().stream().mapToDouble(Reason::contribution).sum();
        assertThat(verdict.points()).isCloseTo(sum, within(1e-12));
        assertThat(verdict.score()).isCloseTo(1 / (1 + Math.exp(-sum)), within(1e-12));
        assertThat(rules(verdict)).containsExactly("prior", "links", "blocklisted-domain", "duplicate-text",
                "mention-stuffing", "hashtag-stuffing", "shouting", "repeated-characters", "token-weights");
        assertThat(verdict.spam()).isTrue();
        assertThat(verdict.modelVersion()).isEqualTo("rules-1/tokens-4");
    }

    @Test
    void everyReasonSaysWhatItSaw() {
        var verdict = score("see http://spam.example/win now");

        assertThat(verdict.reasons()).allSatisfy(reason -> assertThat(reason.text()).isNotBlank());
        assertThat(verdict.reasons()).anySatisfy(reason -> assertThat(reason.text()).contains("spam.example"));
    }

    @Test
    void oneLinkIsFreeEachFurtherLinkAddsPoints() {
        assertThat(rules(score("my blog https://blog.example.org/post"))).doesNotContain("links");
        var three = score("https://a.example.org x.com/1 y.net");

        assertThat(contribution(three, "links")).isEqualTo(2 * config.weights().link());
    }

    @Test
    void blocklistedDomainIsSpamOnItsOwn() {
        var verdict = score("great deals at http://spam.example/deal");

        assertThat(contribution(verdict, "blocklisted-domain")).isEqualTo(config.weights().blocklistedDomain());
        assertThat(verdict.spam()).isTrue();
    }

    @Test
    void bareDomainWithoutSchemeIsALink() {
        assertThat(Link.findIn("go to spam.example/x today")).extracting(Link::host).containsExactly("spam.example");
        assertThat(score("go to spam.example/x today").spam()).isTrue();
    }

    @Test
    void upperCaseDomainMatchesTheBlocklist() {
        assertThat(rules(score("HTTP://SPAM.EXAMPLE/WIN"))).contains("blocklisted-domain");
        assertThat(rules(score("Visit SpamDeals.COM now"))).contains("blocklisted-domain");
    }

    @Test
    void subdomainOfABlocklistedDomainMatches() {
        assertThat(rules(score("https://win.spam.example/x"))).contains("blocklisted-domain");
        assertThat(rules(score("https://notspam.example/x"))).doesNotContain("blocklisted-domain");
    }

    @Test
    void unicodeAndPunycodeNamesOfOneDomainBothMatch() {
        assertThat(Link.findIn("https://bücher.example/a")).extracting(Link::host)
                .containsExactly("xn--bcher-kva.example");
        assertThat(rules(score("https://bücher.example/a"))).contains("blocklisted-domain");
        assertThat(rules(score("https://XN--BCHER-KVA.example/a"))).contains("blocklisted-domain");
    }

    @Test
    void bareNameWithAPathIsALinkWithoutOneOnlyOnACommonTopLevelDomain() {
        assertThat(Link.findIn("lib.rs/x and docs.example and cheap.xyz")).extracting(Link::host)
                .containsExactly("lib.rs", "cheap.xyz");
    }

    @Test
    void userInfoDoesNotHideTheRealHost() {
        assertThat(Link.findIn("http://bank.example.com@spam.example/login")).extracting(Link::host)
                .containsExactly("spam.example");
    }

    @Test
    void trailingDotAndPortAreIgnored() {
        assertThat(Link.findIn("http://spam.example.:8080/x")).extracting(Link::host).containsExactly("spam.example");
    }

    @Test
    void emailAddressesVersionNumbersAndFileNamesAreNotLinks() {
        assertThat(Link.findIn("mail bob@example.com about v1.2.3, node.js and notes.txt, pi is 3.14. e.g. this"))
                .isEmpty();
    }

    @Test
    void sameLinkTwiceCountsTwiceButOneBlocklistedDomainOnce() {
        var verdict = score("spam.example/a spam.example/b");

        assertThat(contribution(verdict, "links")).isEqualTo(config.weights().link());
        assertThat(contribution(verdict, "blocklisted-domain")).isEqualTo(config.weights().blocklistedDomain());
    }

    @Test
    void firstCopyOfATextIsNotADuplicate() {
        var verdict = scorer.score(post("hello"), new Signals(1, TokenModel.EMPTY));

        assertThat(rules(verdict)).doesNotContain("duplicate-text");
    }

    @Test
    void thirdCopyInTheWindowIsSpam() {
        var second = scorer.score(post("follow me for free followers"), new Signals(2, TokenModel.EMPTY));
        var third = scorer.score(post("follow me for free followers"), new Signals(3, TokenModel.EMPTY));

        assertThat(second.spam()).isFalse();
        assertThat(third.spam()).isTrue();
        assertThat(contribution(third, "duplicate-text")).isEqualTo(2 * config.weights().duplicate());
    }

    @Test
    void fewMentionsAreConversation() {
        assertThat(rules(score("thanks @bob and @carol for the lovely dinner last night, see you soon"))).containsExactly("prior");
    }

    @Test
    void manyMentionsAreStuffing() {
        var verdict = score("check my profile @a @b @c @d @e @f");

        // 3 beyond the free 3, and 6 of 9 words are mentions.
        assertThat(contribution(verdict, "mention-stuffing")).isEqualTo(4 * config.weights().mention());
    }

    @Test
    void aShortPostOfMostlyHashtagsIsStuffing() {
        var verdict = score("#deal #free cheap");

        assertThat(contribution(verdict, "hashtag-stuffing")).isEqualTo(config.weights().hashtag());
        assertThat(rules(verdict)).doesNotContain("mention-stuffing");
    }

    @Test
    void emailAddressIsNotAMentionAndAnchorIsNotAHashtag() {
        assertThat(rules(score("write to a@b.org b@c.org c@d.org d@e.org or see page&#35;top"))).doesNotContain(
                "mention-stuffing", "hashtag-stuffing");
    }

    @Test
    void aTagCountsAtTheStartAfterPunctuationOrEmojiButNotAfterALetterDigitUnderscoreOrTag() {
        var mentions = score("@a (@b) 😀@c ,@d\n@e x@f @@g é@h _@i");
        var hashtags = score("#a (#b) 😀#c ,#d\n#e x#f ##g é#h &#i");

        assertThat(mentions.reasons()).anySatisfy(reason -> assertThat(reason.text()).isEqualTo("5 mentions in 9 words"));
        assertThat(hashtags.reasons()).anySatisfy(reason -> assertThat(reason.text()).isEqualTo("5 hashtags in 9 words"));
    }

    @Test
    void shoutingALongTextAddsPoints() {
        var verdict = score("THIS IS THE BEST OFFER YOU WILL EVER SEE");

        assertThat(contribution(verdict, "shouting")).isEqualTo(config.weights().shouting());
    }

    @Test
    void shortUpperCaseIsNotShouting() {
        assertThat(rules(score("OK LOL"))).doesNotContain("shouting");
        assertThat(rules(score("NASA and ESA launched a probe today"))).doesNotContain("shouting");
    }

    @Test
    void repeatedPunctuationAndLettersAddPoints() {
        var verdict = score("wow!!!!!! loooool");

        assertThat(contribution(verdict, "repeated-characters")).isEqualTo(2 * config.weights().repeatedCharacters());
        assertThat(verdict.reasons()).anySatisfy(reason -> assertThat(reason.text()).contains("!!!!!!", "ooooo"));
    }

    @Test
    void shortRepeatsAndLongNumbersAreNotRepeatedCharacters() {
        assertThat(rules(score("good book!! cost me 1000000 won... hmm"))).doesNotContain("repeated-characters");
    }

    @Test
    void repeatedCharacterRunsCountAtMostThree() {
        var verdict = score("aaaa bbbb cccc dddd eeee");

        assertThat(contribution(verdict, "repeated-characters")).isEqualTo(3 * config.weights().repeatedCharacters());
    }

    @Test
    void learnedTokenWeightsAddUpOncePerDistinctToken() {
        var model = new TokenModel(2, Map.of("crypto", 1.5, "giveaway", 1.0, "grandma", -0.75));
        var verdict = scorer.score(post("Crypto crypto CRYPTO giveaway for grandma"), new Signals(1, model));

        assertThat(contribution(verdict, "token-weights")).isCloseTo(1.75, within(1e-12));
        assertThat(verdict.reasons()).anySatisfy(reason -> assertThat(reason.text()).contains("crypto +1.50"));
    }

    @Test
    void negativeTokenWeightsLowerTheScore() {
        var neutral = score("knitting circle on thursday");
        var trusted = scorer.score(post("knitting circle on thursday"),
                new Signals(1, new TokenModel(1, Map.of("knitting", -1.0))));

        assertThat(trusted.score()).isLessThan(neutral.score());
    }

    @Test
    void tokensAreLowerCaseWordsOfLettersAndDigits() {
        assertThat(TokenModel.tokens("Hello, WORLD! héllo-2026 hello")).containsExactly("hello", "world", "héllo", "2026");
    }

    @Test
    void thresholdComesFromTheConfiguration() {
        var strict = new SpamScorer(config.withThreshold(0.1));

        assertThat(strict.score(post("wow!!!!!! loooool"), Signals.none()).spam()).isTrue();
        assertThat(score("wow!!!!!! loooool").spam()).isFalse();
    }

    @Test
    void emptyTextIsNotSpam() {
        assertThat(score("").spam()).isFalse();
    }
}
