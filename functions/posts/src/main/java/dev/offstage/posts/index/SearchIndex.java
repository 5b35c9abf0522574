package dev.offstage.posts.index;

import dev.offstage.posts.PostsTables;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * An inverted index of posts in one DynamoDB table, ranked by BM25 (k1 = 1.2, b = 0.75), kept
 * exactly right under at-least-once, unordered delivery of {@link PostEvent}s — without
 * transactions (dynalite has none), using conditional writes, a per-post lease and idempotency
 * markers on counters.
 *
 * <h2>Item layout</h2>
 * Key: {@code pk} (S, partition) and {@code sk} (S, sort).
 * <table>
 *   <caption>Items</caption>
 *   <tr><th>pk</th><th>sk</th><th>Attributes</th></tr>
 *   <tr><td>{@code t#<term>}</td><td>{@code <rank>#<postId>}</td><td>a posting: {@code post} (S),
 *       {@code tf} (N, occurrences in the post), {@code len} (N, the post's length in terms). {@code rank}
 *       is ten digits, {@code 10^9 - floor(10^9·tf/(tf+len))}: postings sort by how much of the post
 *       the term is, best first, so a capped read gets the postings that score highest.</td></tr>
 *   <tr><td>{@code t#<term>}</td><td>{@code #df}</td><td>the term's counter: {@code df} (N, posts
 *       containing it), {@code markers} (SS, see below). {@code #} sorts before digits, so the first
 *       postings page brings the counter along at no extra request.</td></tr>
 *   <tr><td>{@code d#<postId>}</td><td>{@code doc}</td><td>the post: {@code v} (N, version indexed),
 *       {@code deleted} (BOOL, a tombstone: final), {@code live} (BOOL, counted in the corpus),
 *       {@code len}, {@code terms} (M term → tf, exactly the post's postings), {@code text} (S, the
 *       first {@value #STORED_TEXT_CHARS} characters, for snippets), {@code lang}; {@code hidden}
 *       (BOOL, spam: never returned, still counted); the intent in progress {@code pv},
 *       {@code pdeleted}, {@code plive}, {@code plen}, {@code pterms}, {@code ptext}, {@code plang};
 *       markers to clean up {@code cm} (S), {@code ct} (L of counter pks); the lease {@code lease}
 *       (S token), {@code leaseUntil} (N epoch millis).</td></tr>
 *   <tr><td>{@code stats}</td><td>{@code corpus}</td><td>{@code docs} (N), {@code length} (N, sum of
 *       live posts' lengths), {@code markers} (SS).</td></tr>
 * </table>
 * A term's postings are one item collection; with no local secondary index it has no size limit,
 * and DynamoDB splits it by sort key when it grows. The hot spots are the counters of very common
 * terms and the corpus item: every indexed post adds to them (one item takes about 1,000 writes a
 * second).
 *
 * <h2>Exactly once without transactions</h2>
 * {@link #apply} for post P:
 * <ol>
 *   <li><b>Lease</b>: a conditional update takes P's lease (free or run out), creating the doc
 *       record if needed, and reads it. Held: {@link PostBusyException}, retry later. Because the
 *       lease outlives the invocation ({@link SearchIndexConfig#leaseDuration()} ≥ the function's
 *       timeout), at most one invocation works on P at any time, and a crashed one's successor
 *       starts only after it is gone. Each apply takes it with a token of its own, and a take
 *       that finds its own token succeeds: the SDK retries a write whose answer was lost after it
 *       landed, and that retry must not find the post busy for a whole lease.</li>
 *   <li><b>Leftovers</b>: markers a crashed predecessor did not clean ({@code cm}) are cleaned, and
 *       an intent it left ({@code pv}) is rolled forward (steps 4–6) before anything else.</li>
 *   <li><b>Guard and intent</b>: the event is ignored unless its version is above {@code v} and P is
 *       not deleted (a deletion is a tombstone, so neither an older version nor a later update
 *       brings a post back). Otherwise the intended state — terms, length, text — is written
 *       into the doc record as {@code pv}/{@code p*}. From here, any invocation can finish the change
 *       from the table alone.</li>
 *   <li><b>Postings</b>: put the intent's postings and delete the committed ones it no longer has.
 *       Puts and deletes of fixed keys with fixed content are idempotent, so repeating them after a
 *       crash converges.</li>
 *   <li><b>Counters</b>: the differences in {@code df} per term and in corpus docs/length are
 *       {@code ADD}ed, each together with the marker {@code <postId>#<pv>} into the item's
 *       {@code markers}, on condition the marker is not there yet: a repetition after a crash adds
 *       nothing. (This is the idempotency key of the effect: post, version, and — the table being
 *       the index's own — consumer.)</li>
 *   <li><b>Commit</b>: {@code v} and the committed attributes take the intent's values, the intent
 *       is removed, and {@code cm}/{@code ct} name the markers to remove, conditioned on still
 *       holding the lease (a retried commit that fails its condition because it landed the first
 *       time is recognised by reading the record back). Then the markers are removed from the counters, and a last write drops
 *       {@code cm}/{@code ct} and the lease. A marker is removed only after its commit, when no
 *       lease holder can try that change's counters again, so sets stay small (markers of changes
 *       in flight) and never forget a change that could be repeated.</li>
 * </ol>
 * A crash anywhere leaves either an intent (redone idempotently by the next holder: the
 * event's redelivery or any later event of P) or markers to clean; the counters always equal a
 * recomputation from the committed doc records once no apply is in flight.
 *
 * <h2>Search and its bound</h2>
 * The query's distinct terms ({@link PostAnalyzers#queryTerms}) are OR-ed, at most
 * {@value #MAX_QUERY_TERMS} (extras are reported in {@link SearchPage#ignoredTerms()}). Requests
 * per search are at most {@code 1 + T·P + 1 + R} = {@value #MAX_REQUESTS_PER_SEARCH}, with T =
 * {@value #MAX_QUERY_TERMS} terms, P = {@value #MAX_PAGES_PER_TERM} postings pages of up to
 * {@value #POSTINGS_PAGE_SIZE} each per term, one {@code GetItem} for the corpus, one
 * {@code BatchGetItem} for the doc records of up to {@value #CANDIDATE_WINDOW} candidates from the
 * cursor on (to drop hidden and deleted posts and build snippets) and at most R =
 * {@value #MAX_BATCH_GET_RETRIES} retries of its unprocessed keys. Terms with more postings than
 * P·{@value #POSTINGS_PAGE_SIZE} are read up to the cap, best-ranked first (see the layout); their
 * {@code df} is still exact. The cursor is an opaque offset into the ranking; pages are stable
 * while the index does not change.
 *
 * <h2>Costs and limits</h2>
 * An applied event writes: lease, intent, ⌈changed postings / 25⌉ {@code BatchWriteItem}s, two
 * updates per term whose presence changed (add with marker, remove marker) and two for the corpus,
 * commit, release. An ignored one: lease and release. A failed apply leaves its lease to run out
 * rather than releasing it, because a timed-out write may still land; the post's next event waits
 * up to {@link SearchIndexConfig#leaseDuration()}. Deleted posts keep a small tombstone doc record
 * for good, since only it stops a late update from bringing them back. Hidden posts stay in the
 * corpus counters (spam is still text of this corpus; hiding must not re-rank everything). The
 * doc record holds the terms twice while an update is in flight, so a post's distinct terms must
 * fit in about 150 KB of the 400 KB item limit (tens of thousands of terms; posts are short).
 * While an apply is in flight, search may see its postings before the post is committed (such
 * candidates are skipped) and counters a step behind (df is never taken below the postings read).
 *
 * <p>Thread-safe. Infrastructure failures propagate (retryable); no method leaves the index
 * inconsistent, only unfinished for the next apply to finish.
 */
public final class SearchIndex {

    /** Query terms searched; more are ignored and reported. */
    public static final int MAX_QUERY_TERMS = 8;
    /** {@code Query} pages read per term. */
    public static final int MAX_PAGES_PER_TERM = 2;
    /** Items per postings page. */
    public static final int POSTINGS_PAGE_SIZE = 500;
    /** Candidates whose doc records one search reads (one {@code BatchGetItem}'s maximum). */
    public static final int CANDIDATE_WINDOW = 100;
    /** Retries of a {@code BatchGetItem}'s unprocessed keys. */
    public static final int MAX_BATCH_GET_RETRIES = 2;
    /** The most DynamoDB requests one {@link #search} makes. */
    public static final int MAX_REQUESTS_PER_SEARCH = 1 + MAX_QUERY_TERMS * MAX_PAGES_PER_TERM + 1 + MAX_BATCH_GET_RETRIES;
    /** The largest page. */
    public static final int MAX_LIMIT = 50;

    static final double K1 = 1.2;
    static final double B = 0.75;
    static final int STORED_TEXT_CHARS = 1000;
    static final int SNIPPET_CHARS = 160;
    private static final int SNIPPET_LEAD = 40;
    private static final int BATCH_WRITE_SIZE = 25;
    private static final int BATCH_WRITE_ATTEMPTS = 10;

    private static final String PK = "pk";
    private static final String SK = "sk";
    private static final String DOC_SK = "doc";
    private static final String DF_SK = "#df";
    private static final String STATS_PK = "stats";
    private static final String STATS_SK = "corpus";
    private static final String TERM_PREFIX = "t#";
    private static final String DOC_PREFIX = "d#";

    /** What {@link #apply} did with an event. */
    public enum Outcome {
        /** The event's version is now the indexed state of its post. */
        APPLIED,
        /** Duplicate, older than the indexed version, or after the post's deletion: nothing changed. */
        IGNORED
    }

    private final DynamoDbClient dynamoDb;
    private final SearchIndexConfig config;
    private final Supplier<PostAnalyzers> analyzerFactory;
    private volatile PostAnalyzers analyzers;
    private final Clock clock;

    /**
     * @param analyzers asked once, the first time {@link #apply} or {@link #search} needs to
     *     analyze text; {@link #hide} and {@link #unhide} never do, so a function that only hides
     *     posts never builds Lucene's analyzers (nor loads Lucene)
     */
    public SearchIndex(DynamoDbClient dynamoDb, SearchIndexConfig config, Supplier<PostAnalyzers> analyzers, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.config = config;
        this.analyzerFactory = analyzers;
        this.clock = clock;
    }

    /**
     * Indexes a created or updated post, or removes a deleted one. Exactly once per
     * (post, version) however often and in whatever order events arrive; see the class comment.
     *
     * @throws PostBusyException when another invocation holds the post (retryable)
     */
    public Outcome apply(PostEvent event) {
        var token = UUID.randomUUID().toString();
        var doc = acquire(event.postId(), token);
        doc.cleanup().ifPresent(this::removeMarkers);
        if (doc.pending().isPresent()) {
            doc = rollForward(doc, token);
        }
        var outcome = Outcome.IGNORED;
        if (!doc.deleted() && event.version() > doc.version()) {
            doc = rollForward(stake(doc, event, token), token);
            outcome = Outcome.APPLIED;
        }
        release(event.postId(), token);
        return outcome;
    }

    /** Hides a post from search (spam). Idempotent; works before the post is indexed too. */
    public void hide(String postId) {
        setHidden(postId, true);
    }

    /** Lets a hidden post show up in search again. Idempotent. */
    public void unhide(String postId) {
        setHidden(postId, false);
    }

    /** {@link #search(String, String, int, String)} with the default analyzer only. */
    public SearchPage search(String query, int limit, String cursor) {
        return search(query, null, limit, cursor);
    }

    /**
     * Ranked posts matching any term of {@code query}, never hidden or deleted ones, in at most
     * {@link #MAX_REQUESTS_PER_SEARCH} requests.
     *
     * @param lang the query's language, analyzed in addition to the default (may be null)
     * @param limit 1 to {@link #MAX_LIMIT}
     * @param cursor a previous page's {@link SearchPage#nextCursor()}, or null for the first page
     * @throws IllegalArgumentException for a limit out of range or a cursor this index did not make
     */
    public SearchPage search(String query, String lang, int limit, String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        int offset = Cursor.decode(cursor);
        var terms = analyzers().queryTerms(query == null ? "" : query, lang);
        var searched = terms.subList(0, Math.min(terms.size(), MAX_QUERY_TERMS));
        var ignored = terms.subList(searched.size(), terms.size());
        if (searched.isEmpty()) {
            return new SearchPage(List.of(), Optional.empty(), ignored);
        }
        var corpus = dynamoDb.getItem(get -> get.tableName(config.tableName()).key(key(STATS_PK, STATS_SK))).item();
        long docs = number(corpus, "docs");
        long totalLength = number(corpus, "length");
        if (docs <= 0) {
            return new SearchPage(List.of(), Optional.empty(), ignored);
        }
        double averageLength = Math.max(1.0, (double) totalLength / docs);
        var scores = new HashMap<String, Double>();
        for (var term : searched) {
            scoreTerm(term, docs, averageLength, scores);
        }
        var ranking = scores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .toList();
        if (offset >= ranking.size()) {
            return new SearchPage(List.of(), Optional.empty(), ignored);
        }
        var window = ranking.subList(offset, Math.min(ranking.size(), offset + CANDIDATE_WINDOW));
        var records = docRecords(window.stream().map(Map.Entry::getKey).toList());
        var hits = new ArrayList<SearchHit>();
        var searchedSet = Set.copyOf(searched);
        int consumed = 0;
        for (var candidate : window) {
            var record = records.get(candidate.getKey());
            if (record == null || hits.size() == limit) {
                break; // unread (throttled) records stop the page here; the cursor resumes at them
            }
            consumed++;
            if (bool(record, "hidden") || bool(record, "deleted") || !bool(record, "live")) {
                continue;
            }
            hits.add(new SearchHit(candidate.getKey(), candidate.getValue(), snippet(record, searchedSet)));
        }
        int next = offset + consumed;
        return new SearchPage(hits, next < ranking.size() ? Optional.of(Cursor.encode(next)) : Optional.empty(), ignored);
    }

    private PostAnalyzers analyzers() {
        var result = analyzers;
        if (result == null) {
            synchronized (this) {
                result = analyzers;
                if (result == null) {
                    result = analyzerFactory.get();
                    analyzers = result;
                }
            }
        }
        return result;
    }

    /**
     * Creates the index table (on-demand) and waits until it is active. Not idempotent: fails with
     * {@code ResourceInUseException} when it exists.
     */
    public static void createTable(DynamoDbClient dynamoDb, String tableName) {
        PostsTables.create(dynamoDb, tableName);
    }

    // ---- applying events ----

    /** The post's doc record: committed state, the intent in progress and markers left to clean. */
    private record Doc(
            String postId,
            long version,
            boolean deleted,
            boolean live,
            long length,
            Map<String, Integer> terms,
            Optional<Intent> pending,
            Optional<Cleanup> cleanup) {}

    private record Intent(long version, boolean deleted, boolean live, long length, Map<String, Integer> terms,
                          String text, String lang) {}

    /** Counter items (by pk) whose {@code markers} still hold {@code marker}. */
    private record Cleanup(String marker, List<String> counters) {}

    private Doc acquire(String postId, String token) {
        long now = clock.millis();
        try {
            var item = dynamoDb.updateItem(update -> update
                    .tableName(config.tableName())
                    .key(key(DOC_PREFIX + postId, DOC_SK))
                    .updateExpression("SET #lease = :token, #leaseUntil = :until")
                    // Or ours already: the SDK retries a take whose answer was lost after it landed.
                    .conditionExpression("attribute_not_exists(#leaseUntil) OR #leaseUntil < :now OR #lease = :token")
                    .expressionAttributeNames(aliases("#lease #leaseUntil"))
                    .expressionAttributeValues(Map.of(
                            ":token", AttributeValue.fromS(token),
                            ":until", n(now + config.leaseDuration().toMillis()),
                            ":now", n(now)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return parseDoc(postId, item);
        } catch (ConditionalCheckFailedException e) {
            throw new PostBusyException(postId);
        }
    }

    private Doc stake(Doc doc, PostEvent event, String token) {
        boolean deleted = event.type() == PostEvent.Type.DELETED;
        Map<String, Integer> terms = deleted ? Map.of() : analyzers().termFrequencies(event.text(), event.lang());
        long length = terms.values().stream().mapToLong(Integer::longValue).sum();
        String text = deleted ? null : truncate(event.text());
        var intent = new Intent(event.version(), deleted, !deleted, length, terms, text, event.lang());
        var values = new HashMap<String, AttributeValue>();
        values.put(":token", AttributeValue.fromS(token));
        values.put(":pv", n(intent.version()));
        values.put(":pdeleted", AttributeValue.fromBool(intent.deleted()));
        values.put(":plive", AttributeValue.fromBool(intent.live()));
        values.put(":plen", n(intent.length()));
        values.put(":pterms", termMap(intent.terms()));
        var set = new StringBuilder("SET #pv = :pv, #pdeleted = :pdeleted, #plive = :plive, #plen = :plen, #pterms = :pterms");
        if (text != null) {
            values.put(":ptext", AttributeValue.fromS(text));
            set.append(", #ptext = :ptext");
        }
        if (intent.lang() != null) {
            values.put(":plang", AttributeValue.fromS(intent.lang()));
            set.append(", #plang = :plang");
        }
        updateHoldingLease(doc.postId(), set.toString(), "#lease = :token", values);
        return new Doc(doc.postId(), doc.version(), doc.deleted(), doc.live(), doc.length(), doc.terms(),
                Optional.of(intent), Optional.empty());
    }

    /** Steps 4 to 6 of the class comment; returns the committed doc, lease still held. */
    private Doc rollForward(Doc doc, String token) {
        var intent = doc.pending().orElseThrow();
        var marker = doc.postId() + "#" + intent.version();
        writePostings(doc, intent);

        var counters = new ArrayList<String>();
        var allTerms = new LinkedHashSet<>(doc.terms().keySet());
        allTerms.addAll(intent.terms().keySet());
        for (var term : allTerms) {
            int delta = (intent.terms().containsKey(term) ? 1 : 0) - (doc.terms().containsKey(term) ? 1 : 0);
            if (delta != 0) {
                addOnce(TERM_PREFIX + term, Map.of("df", (long) delta), marker);
                counters.add(TERM_PREFIX + term);
            }
        }
        long docsDelta = (intent.live() ? 1 : 0) - (doc.live() ? 1 : 0);
        long lengthDelta = (intent.live() ? intent.length() : 0) - (doc.live() ? doc.length() : 0);
        if (docsDelta != 0 || lengthDelta != 0) {
            addOnce(STATS_PK, Map.of("docs", docsDelta, "length", lengthDelta), marker);
            counters.add(STATS_PK);
        }

        var cleanup = new Cleanup(marker, counters);
        commit(doc, intent, cleanup, token);
        removeMarkers(cleanup);
        return new Doc(doc.postId(), intent.version(), intent.deleted(), intent.live(), intent.length(),
                intent.terms(), Optional.empty(), Optional.empty());
    }

    private void writePostings(Doc doc, Intent intent) {
        var puts = new LinkedHashMap<String, Map<String, AttributeValue>>();
        intent.terms().forEach((term, tf) -> {
            var item = new HashMap<>(postingKey(term, tf, intent.length(), doc.postId()));
            item.put("post", AttributeValue.fromS(doc.postId()));
            item.put("tf", n(tf));
            item.put("len", n(intent.length()));
            puts.put(term, item);
        });
        var requests = new ArrayList<WriteRequest>();
        doc.terms().forEach((term, tf) -> {
            var oldKey = postingKey(term, tf, doc.length(), doc.postId());
            var replacement = puts.get(term);
            if (replacement == null || !replacement.get(SK).equals(oldKey.get(SK))) {
                requests.add(WriteRequest.builder().deleteRequest(delete -> delete.key(oldKey)).build());
            }
        });
        puts.values().forEach(item -> requests.add(WriteRequest.builder().putRequest(put -> put.item(item)).build()));
        for (int from = 0; from < requests.size(); from += BATCH_WRITE_SIZE) {
            batchWrite(requests.subList(from, Math.min(requests.size(), from + BATCH_WRITE_SIZE)));
        }
    }

    private void batchWrite(List<WriteRequest> requests) {
        var pending = Map.of(config.tableName(), List.copyOf(requests));
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > BATCH_WRITE_ATTEMPTS) {
                throw new IllegalStateException("DynamoDB left postings unprocessed after " + BATCH_WRITE_ATTEMPTS
                        + " attempts; the next apply finishes them");
            }
            var request = pending;
            pending = dynamoDb.batchWriteItem(batch -> batch.requestItems(request)).unprocessedItems();
            if (!pending.isEmpty()) {
                pause(attempt);
            }
        }
    }

    /** Adds {@code deltas} to a counter item unless {@code marker} says this change already did. */
    private void addOnce(String counterPk, Map<String, Long> deltas, String marker) {
        var names = new HashMap<String, String>(aliases("#markers"));
        var values = new HashMap<String, AttributeValue>();
        var add = new StringBuilder("ADD #markers :marker");
        int i = 0;
        for (var delta : deltas.entrySet()) {
            names.put("#a" + i, delta.getKey());
            values.put(":a" + i, n(delta.getValue()));
            add.append(", #a").append(i).append(" :a").append(i);
            i++;
        }
        values.put(":marker", AttributeValue.fromSs(List.of(marker)));
        values.put(":markerValue", AttributeValue.fromS(marker));
        try {
            dynamoDb.updateItem(update -> update
                    .tableName(config.tableName())
                    .key(counterKey(counterPk))
                    .updateExpression(add.toString())
                    .conditionExpression("attribute_not_exists(#markers) OR NOT contains(#markers, :markerValue)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // Added before a crash: this change is in the counter already.
        }
    }

    private void commit(Doc doc, Intent intent, Cleanup cleanup, String token) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":token", AttributeValue.fromS(token));
        values.put(":pv", n(intent.version()));
        values.put(":deleted", AttributeValue.fromBool(intent.deleted()));
        values.put(":live", AttributeValue.fromBool(intent.live()));
        values.put(":len", n(intent.length()));
        values.put(":terms", termMap(intent.terms()));
        var set = new StringBuilder("SET #v = :pv, #deleted = :deleted, #live = :live, #len = :len, #terms = :terms");
        var remove = new StringBuilder(" REMOVE #pv, #pdeleted, #plive, #plen, #pterms, #ptext, #plang");
        if (intent.text() != null) {
            values.put(":text", AttributeValue.fromS(intent.text()));
            set.append(", #text = :text");
        } else {
            remove.append(", #text");
        }
        if (intent.lang() != null) {
            values.put(":lang", AttributeValue.fromS(intent.lang()));
            set.append(", #lang = :lang");
        } else {
            remove.append(", #lang");
        }
        if (cleanup.counters().isEmpty()) {
            remove.append(", #cm, #ct");
        } else {
            values.put(":cm", AttributeValue.fromS(cleanup.marker()));
            values.put(":ct", AttributeValue.fromL(cleanup.counters().stream().map(AttributeValue::fromS).toList()));
            set.append(", #cm = :cm, #ct = :ct");
        }
        try {
            updateHoldingLease(doc.postId(), set.append(remove).toString(), "#lease = :token AND #pv = :pv", values);
        } catch (PostBusyException e) {
            // The condition also fails when this very commit landed and the SDK retried it after
            // its answer was lost: then the record holds our lease and the intent is gone.
            if (!committed(doc.postId(), intent, token)) {
                throw e;
            }
        }
    }

    /** Whether the doc record shows {@code intent} committed with the lease still {@code token}'s. */
    private boolean committed(String postId, Intent intent, String token) {
        var item = dynamoDb.getItem(get -> get.tableName(config.tableName()).key(key(DOC_PREFIX + postId, DOC_SK))
                .consistentRead(true)).item();
        return item != null && token.equals(string(item, "lease")) && !item.containsKey("pv")
                && number(item, "v") == intent.version();
    }

    private void removeMarkers(Cleanup cleanup) {
        for (var counter : cleanup.counters()) {
            dynamoDb.updateItem(update -> update
                    .tableName(config.tableName())
                    .key(counterKey(counter))
                    .updateExpression("DELETE #markers :marker")
                    .expressionAttributeNames(aliases("#markers"))
                    .expressionAttributeValues(Map.of(":marker", AttributeValue.fromSs(List.of(cleanup.marker())))));
        }
    }

    private void release(String postId, String token) {
        try {
            dynamoDb.updateItem(update -> update
                    .tableName(config.tableName())
                    .key(key(DOC_PREFIX + postId, DOC_SK))
                    .updateExpression("REMOVE #lease, #leaseUntil, #cm, #ct")
                    .conditionExpression("#lease = :token")
                    .expressionAttributeNames(aliases("#lease #leaseUntil #cm #ct"))
                    .expressionAttributeValues(Map.of(":token", AttributeValue.fromS(token))));
        } catch (ConditionalCheckFailedException e) {
            // Only if this invocation outlived its lease (a misconfigured lease duration): the
            // holder now owns the record, and everything this one did is committed.
        }
    }

    private void updateHoldingLease(String postId, String update, String condition, Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(request -> request
                    .tableName(config.tableName())
                    .key(key(DOC_PREFIX + postId, DOC_SK))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(aliases(update + " " + condition))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // The lease ran out under this invocation (lease shorter than the function's timeout):
            // stop; the new holder finishes from the doc record.
            throw new PostBusyException(postId);
        }
    }

    private void setHidden(String postId, boolean hidden) {
        dynamoDb.updateItem(update -> update
                .tableName(config.tableName())
                .key(key(DOC_PREFIX + postId, DOC_SK))
                .updateExpression("SET #hidden = :hidden")
                .expressionAttributeNames(aliases("#hidden"))
                .expressionAttributeValues(Map.of(":hidden", AttributeValue.fromBool(hidden))));
    }

    private Doc parseDoc(String postId, Map<String, AttributeValue> item) {
        Optional<Intent> pending = item.containsKey("pv")
                ? Optional.of(new Intent(number(item, "pv"), bool(item, "pdeleted"), bool(item, "plive"),
                        number(item, "plen"), terms(item.get("pterms")), string(item, "ptext"), string(item, "plang")))
                : Optional.empty();
        Optional<Cleanup> cleanup = item.containsKey("cm")
                ? Optional.of(new Cleanup(item.get("cm").s(), item.get("ct").l().stream().map(AttributeValue::s).toList()))
                : Optional.empty();
        return new Doc(postId, number(item, "v"), bool(item, "deleted"), bool(item, "live"), number(item, "len"),
                terms(item.get("terms")), pending, cleanup);
    }

    // ---- searching ----

    /** Adds {@code term}'s BM25 contribution to every post in its (capped) postings. */
    private void scoreTerm(String term, long docs, double averageLength, Map<String, Double> scores) {
        long df = 0;
        var postings = new ArrayList<Map<String, AttributeValue>>();
        Map<String, AttributeValue> startKey = null;
        for (int page = 0; page < MAX_PAGES_PER_TERM; page++) {
            var start = startKey;
            var response = dynamoDb.query(query -> query
                    .tableName(config.tableName())
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(aliases("#pk"))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TERM_PREFIX + term)))
                    .limit(POSTINGS_PAGE_SIZE)
                    .exclusiveStartKey(start));
            for (var item : response.items()) {
                if (DF_SK.equals(item.get(SK).s())) {
                    df = number(item, "df");
                } else {
                    postings.add(item);
                }
            }
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            if (startKey == null) {
                break;
            }
        }
        // Postings land before counters (and may outlive them briefly during an apply): never
        // let df fall below what was just read, nor the corpus below df.
        df = Math.max(df, postings.size());
        long corpus = Math.max(docs, df);
        double idf = Math.log(1 + (corpus - df + 0.5) / (df + 0.5));
        for (var posting : postings) {
            double tf = number(posting, "tf");
            double length = number(posting, "len");
            double score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / averageLength));
            scores.merge(posting.get("post").s(), score, Double::sum);
        }
    }

    private Map<String, Map<String, AttributeValue>> docRecords(List<String> postIds) {
        var found = new HashMap<String, Map<String, AttributeValue>>();
        Map<String, KeysAndAttributes> request = Map.of(config.tableName(), KeysAndAttributes.builder()
                .keys(postIds.stream().map(id -> key(DOC_PREFIX + id, DOC_SK)).toList())
                .projectionExpression("#pk, #hidden, #deleted, #live, #text, #lang")
                .expressionAttributeNames(aliases("#pk #hidden #deleted #live #text #lang"))
                .build());
        for (int attempt = 0; attempt <= MAX_BATCH_GET_RETRIES && !request.isEmpty(); attempt++) {
            if (attempt > 0) {
                pause(attempt);
            }
            var batch = request;
            var response = dynamoDb.batchGetItem(get -> get.requestItems(batch));
            for (var item : response.responses().getOrDefault(config.tableName(), List.of())) {
                found.put(item.get(PK).s().substring(DOC_PREFIX.length()), item);
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found;
    }

    private String snippet(Map<String, AttributeValue> record, Set<String> terms) {
        var text = string(record, "text");
        if (text == null) {
            return "";
        }
        int match = analyzers().firstOffset(text, string(record, "lang"), terms).orElse(0);
        int start = Math.max(0, match - SNIPPET_LEAD);
        int end = Math.min(text.length(), start + SNIPPET_CHARS);
        // Never split a surrogate pair (an emoji) at either edge.
        if (start > 0 && Character.isLowSurrogate(text.charAt(start))) {
            start--;
        }
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return (start > 0 ? "…" : "") + text.substring(start, end).strip() + (end < text.length() ? "…" : "");
    }

    /** The opaque page cursor: an offset into the ranking, as base64url JSON. */
    private record Cursor(int offset) {
        static String encode(int offset) {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Json.write(new Cursor(offset)).getBytes(StandardCharsets.UTF_8));
        }

        static int decode(String cursor) {
            if (cursor == null || cursor.isEmpty()) {
                return 0;
            }
            try {
                var decoded = Json.read(Base64.getUrlDecoder().decode(cursor), Cursor.class);
                // "null" is valid JSON, read as no object at all.
                if (decoded == null || decoded.offset() < 0) {
                    throw new IllegalArgumentException("Invalid cursor");
                }
                return decoded.offset();
            } catch (IllegalArgumentException | InvalidJsonException e) {
                throw new IllegalArgumentException("Invalid cursor", e);
            }
        }
    }

    // ---- item plumbing ----

    private static final Pattern ALIAS = Pattern.compile("#(\\w+)");

    /**
     * Every {@code #name} in {@code expression} mapped to the attribute {@code name}: DynamoDB
     * reserves hundreds of words (hidden, text, length…), so expressions name attributes by alias.
     */
    private static Map<String, String> aliases(String expression) {
        var names = new HashMap<String, String>();
        ALIAS.matcher(expression).results().forEach(match -> names.put(match.group(), match.group(1)));
        return names;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
    }

    private static Map<String, AttributeValue> counterKey(String counterPk) {
        return key(counterPk, STATS_PK.equals(counterPk) ? STATS_SK : DF_SK);
    }

    static Map<String, AttributeValue> postingKey(String term, long tf, long length, String postId) {
        long rank = 1_000_000_000L - (1_000_000_000L * tf / (tf + Math.max(length, 1)));
        return key(TERM_PREFIX + term, "%010d#%s".formatted(rank, postId));
    }

    private static AttributeValue termMap(Map<String, Integer> terms) {
        var map = new HashMap<String, AttributeValue>();
        terms.forEach((term, tf) -> map.put(term, n(tf)));
        return AttributeValue.fromM(map);
    }

    private static Map<String, Integer> terms(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return Map.of();
        }
        var terms = new HashMap<String, Integer>();
        value.m().forEach((term, tf) -> terms.put(term, Integer.parseInt(tf.n())));
        return terms;
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }

    private static String truncate(String text) {
        if (text.length() <= STORED_TEXT_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(STORED_TEXT_CHARS - 1)) ? STORED_TEXT_CHARS - 1 : STORED_TEXT_CHARS;
        return text.substring(0, end);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(1000, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while backing off", e);
        }
    }
}
