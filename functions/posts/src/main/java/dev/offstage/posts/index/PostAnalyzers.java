package dev.offstage.posts.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.AnalyzerWrapper;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.core.TypeTokenFilter;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Turns post text and search queries into index terms with Lucene's analyzers, one per language.
 *
 * <p><b>Which analyzer.</b> A post's {@code lang} (BCP 47; only the primary subtag counts, so
 * {@code pt-BR} is {@code pt}) picks Lucene's analyzer for that language: en, de, fr, es, it, pt,
 * nl, sv, da, no/nb/nn, fi, ru, tr, ro, hu, cs, el, ar, hi, id. Unknown or absent languages use
 * the <em>default</em>, Lucene's {@link EnglishAnalyzer}: standard (UAX#29) tokenizer, possessive
 * removal, lower-casing, English stop words, Porter stemming. English is the default because most
 * untagged posts are English, and for other Latin-script text it still tokenizes and lower-cases
 * correctly (it only stems and drops stop words the English way).
 *
 * <p><b>Queries.</b> A multilingual corpus has its terms analyzed by different analyzers, so a
 * query is analyzed by the default analyzer <em>and</em>, when the request names a language, by
 * that language's analyzer; the query's terms are the union, default first. A query without a
 * language therefore matches English and untagged posts exactly, and other languages wherever
 * their stems agree with the English ones (often for names and loanwords).
 *
 * <p><b>Decisions every analyzer shares.</b> Emoji are dropped (the standard tokenizer emits them
 * as tokens; nobody searches by them here, and they would only inflate document lengths).
 * Hashtags and mentions lose their {@code #}/{@code @} and are indexed as the word, so
 * {@code #Running} and "running" both find a post saying "I love #running"; the analytics
 * pipeline is where hashtags count as hashtags.
 *
 * <p>Thread-safe: Lucene analyzers reuse their token streams per thread.
 */
public final class PostAnalyzers {

    private static final String FIELD = "text";
    private static final Set<String> DROPPED_TYPES = Set.of(StandardTokenizer.TOKEN_TYPES[StandardTokenizer.EMOJI]);

    private final Analyzer defaultAnalyzer = new DroppingEmoji(new EnglishAnalyzer());
    private final Map<String, Analyzer> byLanguage;

    public PostAnalyzers() {
        var analyzers = new LinkedHashMap<String, Analyzer>();
        analyzers.put("en", defaultAnalyzer);
        analyzers.put("de", new DroppingEmoji(new GermanAnalyzer()));
        analyzers.put("fr", new DroppingEmoji(new FrenchAnalyzer()));
        analyzers.put("es", new DroppingEmoji(new SpanishAnalyzer()));
        analyzers.put("it", new DroppingEmoji(new ItalianAnalyzer()));
        analyzers.put("pt", new DroppingEmoji(new PortugueseAnalyzer()));
        analyzers.put("nl", new DroppingEmoji(new DutchAnalyzer()));
        analyzers.put("sv", new DroppingEmoji(new SwedishAnalyzer()));
        analyzers.put("da", new DroppingEmoji(new DanishAnalyzer()));
        var norwegian = new DroppingEmoji(new NorwegianAnalyzer());
        analyzers.put("no", norwegian);
        analyzers.put("nb", norwegian);
        analyzers.put("nn", norwegian);
        analyzers.put("fi", new DroppingEmoji(new FinnishAnalyzer()));
        analyzers.put("ru", new DroppingEmoji(new RussianAnalyzer()));
        analyzers.put("tr", new DroppingEmoji(new TurkishAnalyzer()));
        analyzers.put("ro", new DroppingEmoji(new RomanianAnalyzer()));
        analyzers.put("hu", new DroppingEmoji(new HungarianAnalyzer()));
        analyzers.put("cs", new DroppingEmoji(new CzechAnalyzer()));
        analyzers.put("el", new DroppingEmoji(new GreekAnalyzer()));
        analyzers.put("ar", new DroppingEmoji(new ArabicAnalyzer()));
        analyzers.put("hi", new DroppingEmoji(new HindiAnalyzer()));
        analyzers.put("id", new DroppingEmoji(new IndonesianAnalyzer()));
        this.byLanguage = Map.copyOf(analyzers);
    }

    /** The terms of {@code text} in order, repeats kept, analyzed for {@code lang} (null: default). */
    public List<String> terms(String text, String lang) {
        var terms = new ArrayList<String>();
        analyze(analyzer(lang), text, (term, start) -> {
            terms.add(term);
            return true;
        });
        return terms;
    }

    /** How often each term occurs in {@code text}, in order of first occurrence. */
    public Map<String, Integer> termFrequencies(String text, String lang) {
        var frequencies = new LinkedHashMap<String, Integer>();
        for (var term : terms(text, lang)) {
            frequencies.merge(term, 1, Integer::sum);
        }
        return frequencies;
    }

    /**
     * The distinct terms of a search query: the default analyzer's, then those {@code lang}'s
     * analyzer adds (see the class comment for why both).
     */
    public List<String> queryTerms(String query, String lang) {
        var terms = new LinkedHashSet<>(terms(query, null));
        if (lang != null) {
            terms.addAll(terms(query, lang));
        }
        return List.copyOf(terms);
    }

    /** Where in {@code text} the first token analyzing to one of {@code terms} starts, if any. */
    public OptionalInt firstOffset(String text, String lang, Set<String> terms) {
        int[] found = {-1};
        analyze(analyzer(lang), text, (term, start) -> {
            if (terms.contains(term)) {
                found[0] = start;
                return false;
            }
            return true;
        });
        return found[0] < 0 ? OptionalInt.empty() : OptionalInt.of(found[0]);
    }

    private Analyzer analyzer(String lang) {
        if (lang == null || lang.isBlank()) {
            return defaultAnalyzer;
        }
        var primary = lang.strip().split("[-_]", 2)[0].toLowerCase(Locale.ROOT);
        return byLanguage.getOrDefault(primary, defaultAnalyzer);
    }

    private interface TokenSink {
        /** Takes one token; false stops the analysis. */
        boolean accept(String term, int startOffset);
    }

    private static void analyze(Analyzer analyzer, String text, TokenSink sink) {
        try (var stream = analyzer.tokenStream(FIELD, text)) {
            var term = stream.addAttribute(CharTermAttribute.class);
            var offset = stream.addAttribute(OffsetAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                if (!sink.accept(term.toString(), offset.startOffset())) {
                    break;
                }
            }
            stream.end();
        } catch (IOException e) {
            // Only readers fail with IOException, and these read from a String.
            throw new UncheckedIOException(e);
        }
    }

    /** A language analyzer with emoji tokens removed at the end of its chain. */
    private static final class DroppingEmoji extends AnalyzerWrapper {
        private final Analyzer delegate;

        DroppingEmoji(Analyzer delegate) {
            super(delegate.getReuseStrategy());
            this.delegate = delegate;
        }

        @Override
        protected Analyzer getWrappedAnalyzer(String fieldName) {
            return delegate;
        }

        @Override
        protected TokenStreamComponents wrapComponents(String fieldName, TokenStreamComponents components) {
            return new TokenStreamComponents(components.getSource(),
                    new TypeTokenFilter(components.getTokenStream(), DROPPED_TYPES));
        }
    }
}
