package dev.offstage.e2e.chaos;

import dev.offstage.e2e.PostsModel;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.index.PostAnalyzers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What each post consumer has applied, read from its own table (the index's doc records and
 * counters, the spam verdicts, the analytics state items), compared with a {@link PostsModel}.
 * The HTTP API shows results; these items show, per post and consumer, which version got through,
 * so a run can tell applied events from dead-lettered and lost ones, and count a change counted
 * twice. Item layouts: {@code SearchIndex}, {@code SpamStore}, {@code dev.offstage.posts.analytics}.
 *
 * @param index post id → the index's doc record
 * @param verdicts post id → the spam verdict item
 * @param analytics post id → the analytics state item
 * @param documentFrequencies term → {@code df} of the term's counter
 * @param corpusDocs the corpus counter's {@code docs}
 * @param corpusLength the corpus counter's {@code length}
 */
record PostsEffects(Map<String, Map<String, AttributeValue>> index, Map<String, Map<String, AttributeValue>> verdicts,
                    Map<String, Map<String, AttributeValue>> analytics, Map<String, Long> documentFrequencies,
                    long corpusDocs, long corpusLength) {

    /** The three post consumers, by the name reports use, in fan-out order. */
    enum Consumer {
        INDEX, SPAM, ANALYTICS
    }

    /** Reads the three tables whole (consistent scans). */
    static PostsEffects read(DynamoDbClient dynamoDb, String indexTable, String spamTable, String analyticsTable) {
        var index = new TreeMap<String, Map<String, AttributeValue>>();
        var df = new TreeMap<String, Long>();
        var corpus = new HashMap<String, AttributeValue>();
        scan(dynamoDb, indexTable, item -> {
            var pk = item.get("pk").s();
            var sk = item.get("sk").s();
            if (pk.startsWith("d#") && sk.equals("doc")) {
                index.put(pk.substring(2), item);
            } else if (pk.startsWith("t#") && sk.equals("#df")) {
                df.put(pk.substring(2), number(item, "df"));
            } else if (pk.equals("stats") && sk.equals("corpus")) {
                corpus.putAll(item);
            }
        });
        var verdicts = new TreeMap<String, Map<String, AttributeValue>>();
        scan(dynamoDb, spamTable, item -> {
            if (item.get("pk").s().startsWith("post#") && item.get("sk").s().equals("verdict")) {
                verdicts.put(item.get("pk").s().substring(5), item);
            }
        });
        var analytics = new TreeMap<String, Map<String, AttributeValue>>();
        scan(dynamoDb, analyticsTable, item -> {
            if (item.get("pk").s().startsWith("post#") && item.get("sk").s().equals("state")) {
                analytics.put(item.get("pk").s().substring(5), item);
            }
        });
        return new PostsEffects(index, verdicts, analytics, df, number(corpus, "docs"), number(corpus, "length"));
    }

    /**
     * Whether {@code consumer} has applied {@code event} or something that supersedes it: a newer
     * version of the post, or its deletion (a deletion is final; older versions can no longer
     * change anything).
     */
    boolean appliedOrSuperseded(Consumer consumer, PostEvent event) {
        return switch (consumer) {
            case INDEX -> {
                var doc = index.get(event.postId());
                yield doc != null && (bool(doc, "deleted") || number(doc, "v") >= event.version());
            }
            case SPAM -> {
                var verdict = verdicts.get(event.postId());
                yield verdict != null && (bool(verdict, "deleted") || number(verdict, "postVersion") >= event.version());
            }
            case ANALYTICS -> {
                var state = analytics.get(event.postId());
                yield state != null && (number(state, "rank") == Long.MAX_VALUE || number(state, "version") >= event.version());
            }
        };
    }

    /** Posts whose index lease is still held at {@code now} (by a live invocation, or a killed one until it runs out). */
    long heldLeases(Instant now) {
        return index.values().stream().filter(doc -> number(doc, "leaseUntil") > now.toEpochMilli()).count();
    }

    /**
     * Where the tables disagree with {@code model}: each post's doc record (version or tombstone,
     * terms, length, hidden, no intent left), verdict (version, spam or not, deleted) and analytics
     * state (version, or deleted), no record of a post the model lacks, and the index's counters
     * (corpus documents and length, every term's document frequency) recomputed from the model.
     */
    List<String> differences(PostsModel model, PostAnalyzers analyzers) {
        var differences = new ArrayList<String>();
        for (var post : model.posts()) {
            var newest = post.newest();
            var doc = index.get(post.id());
            var verdict = verdicts.get(post.id());
            var state = analytics.get(post.id());
            if (doc == null || verdict == null || state == null) {
                differences.add(post.id() + " missing from " + (doc == null ? "index " : "") + (verdict == null ? "spam " : "")
                        + (state == null ? "analytics" : ""));
                continue;
            }
            if (doc.containsKey("pv")) {
                differences.add(post.id() + ": index intent v" + number(doc, "pv") + " not rolled forward");
            }
            if (!post.live()) {
                if (!bool(doc, "deleted")) {
                    differences.add(post.id() + ": deleted, index has v" + number(doc, "v"));
                }
                if (!bool(verdict, "deleted")) {
                    differences.add(post.id() + ": deleted, verdict is of v" + number(verdict, "postVersion"));
                }
                if (number(state, "rank") != Long.MAX_VALUE) {
                    differences.add(post.id() + ": deleted, analytics counts v" + number(state, "version"));
                }
                continue;
            }
            var terms = analyzers.termFrequencies(newest.text(), newest.lang());
            if (bool(doc, "deleted") || number(doc, "v") != newest.version() || !terms(doc).equals(terms)
                    || number(doc, "len") != terms.values().stream().mapToLong(Integer::longValue).sum()) {
                differences.add(post.id() + ": index has v" + number(doc, "v") + " " + terms(doc) + ", model v"
                        + newest.version() + " " + terms);
            }
            if (bool(doc, "hidden") != post.spamVerdict()) {
                differences.add(post.id() + ": hidden " + bool(doc, "hidden") + ", model spam " + post.spamVerdict());
            }
            if (bool(verdict, "deleted") || number(verdict, "postVersion") != newest.version()
                    || bool(verdict, "modelSpam") != post.spamVerdict()) {
                differences.add(post.id() + ": verdict v" + number(verdict, "postVersion") + " spam " + bool(verdict, "modelSpam")
                        + ", model v" + newest.version() + " spam " + post.spamVerdict());
            }
            if (number(state, "rank") != newest.version()) {
                differences.add(post.id() + ": analytics counts rank " + number(state, "rank") + ", model v" + newest.version());
            }
        }
        for (var table : List.of(index, verdicts, analytics)) {
            table.keySet().stream().filter(id -> model.post(id) == null).forEach(id -> differences.add("unknown post " + id));
        }
        var expected = expectedCounters(model, analyzers);
        if (corpusDocs != expected.corpusDocs() || corpusLength != expected.corpusLength()) {
            differences.add("corpus docs " + corpusDocs + " length " + corpusLength + ", model docs "
                    + expected.corpusDocs() + " length " + expected.corpusLength());
        }
        var terms = new java.util.TreeSet<>(documentFrequencies.keySet());
        terms.addAll(expected.documentFrequencies().keySet());
        for (var term : terms) {
            long actual = documentFrequencies.getOrDefault(term, 0L);
            long wanted = expected.documentFrequencies().getOrDefault(term, 0L);
            if (actual != wanted) {
                differences.add("df(" + term + ") " + actual + ", model " + wanted);
            }
        }
        return differences;
    }

    /**
     * The index counts this state holds beyond the model's: the sum, over the corpus's documents
     * and length and every term's document frequency, of how far each counter is above what the
     * model says — a change applied twice shows here.
     */
    long excessOver(PostsModel model, PostAnalyzers analyzers) {
        var expected = expectedCounters(model, analyzers);
        long excess = Math.max(0, corpusDocs - expected.corpusDocs()) + Math.max(0, corpusLength - expected.corpusLength());
        for (var entry : documentFrequencies.entrySet()) {
            excess += Math.max(0, entry.getValue() - expected.documentFrequencies().getOrDefault(entry.getKey(), 0L));
        }
        return excess;
    }

    /** The counters the model's live posts make. */
    private static PostsEffects expectedCounters(PostsModel model, PostAnalyzers analyzers) {
        var df = new TreeMap<String, Long>();
        long docs = 0;
        long length = 0;
        for (var post : model.posts()) {
            if (!post.live()) {
                continue;
            }
            var terms = analyzers.termFrequencies(post.newest().text(), post.newest().lang());
            docs++;
            length += terms.values().stream().mapToLong(Integer::longValue).sum();
            terms.keySet().forEach(term -> df.merge(term, 1L, Long::sum));
        }
        return new PostsEffects(Map.of(), Map.of(), Map.of(), df, docs, length);
    }

    private static void scan(DynamoDbClient dynamoDb, String table, java.util.function.Consumer<Map<String, AttributeValue>> each) {
        dynamoDb.scanPaginator(scan -> scan.tableName(table).consistentRead(true)).items().forEach(each);
    }

    private static Map<String, Integer> terms(Map<String, AttributeValue> doc) {
        var terms = new HashMap<String, Integer>();
        var value = doc.get("terms");
        if (value != null && value.hasM()) {
            value.m().forEach((term, tf) -> terms.put(term, Integer.parseInt(tf.n())));
        }
        return terms;
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }
}
