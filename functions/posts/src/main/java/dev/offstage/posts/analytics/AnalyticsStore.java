package dev.offstage.posts.analytics;

import dev.offstage.posts.PostsTables;
import dev.offstage.posts.event.PostEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Exact post analytics in one DynamoDB table: posts per hour, posts per author and day, hashtags
 * per hour (trending) and mentions per user and hour. A counter is the number of <em>live
 * contribution items</em> in its partition, one item per post, so applying an event is a set of
 * idempotent, version-guarded single-item writes and needs no transactions (the design, its proof
 * sketch and its request counts are in the package documentation).
 *
 * <p>Reads are eventually consistent (cheaper, and analytics may lag a write by a second).
 * Thread-safe; any number of consumers may apply events concurrently, in any order, each
 * event any number of times. Infrastructure failures propagate as the SDK's exceptions; retrying
 * the same event until it succeeds is always safe and is what makes its effect complete.
 */
public final class AnalyticsStore {

    /** The widest window {@link #trending}, {@link #postsPerHour} and {@link #mentions} accept: a week. */
    public static final int MAX_HOURS = 7 * 24;

    /** The most days {@link #author} reports one by one. */
    public static final int MAX_DAYS = 366;

    /** The most hashtags {@link #trending} returns. */
    public static final int MAX_LIMIT = 100;

    static final String PK = "pk";
    static final String SK = "sk";
    // On the post's state item and on every contribution item: which version wrote it last.
    static final String RANK = "rank";
    static final String VERSION = "version";
    static final String CONTRIBUTIONS = "contributions";
    static final String LIVE = "live";

    // A deletion outranks every version, so nothing can bring a deleted post's counts back.
    private static final long DELETED_RANK = Long.MAX_VALUE;
    private static final String NEWEST_WINS = "attribute_not_exists(#rank) OR #rank <= :rank";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public AnalyticsStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * Creates the table (string {@code pk} and {@code sk}, on-demand capacity) and waits until it is
     * active. For tests and local use; in AWS the SAM template declares the same table. Not
     * idempotent: fails with the SDK's {@code ResourceInUseException} when the table exists.
     */
    public static void createTable(DynamoDbClient dynamoDb, String tableName) {
        PostsTables.create(dynamoDb, tableName);
    }

    /**
     * Makes the counters reflect {@code event} if it is the newest thing known about its post:
     * a created or updated version counts the post (in its creation hour and day) and the
     * hashtags and mentions of its text, replacing what older versions counted; a deletion removes
     * everything the post counted, for good.
     *
     * <p>Idempotent and order-independent: applying any multiset of a post's events, in any
     * order, with crashes in between, leaves exactly the counts of its newest event (a deletion
     * being newest of all) once the newest has been applied through to the end.
     *
     * @return false when a newer version or a deletion of the post is already known, so this event
     *     changed nothing; true when its effects are in place
     */
    public boolean apply(PostEvent event) {
        var deleted = event.type() == PostEvent.Type.DELETED;
        var rank = deleted ? DELETED_RANK : event.version();
        var wanted = deleted
                ? Set.<String>of()
                : Contribution.of(event.authorId(), PostFacts.of(event)).stream()
                        .map(Contribution::encode)
                        .collect(Collectors.toSet());

        // Step 1: record the rank, and add our contributions to the post's list of every
        // contribution any version has made. Once this succeeds, an older version's step 1 fails,
        // so every contribution an older version may still write is in the list we get back.
        var recorded = recordVersion(event, rank, wanted);
        if (recorded.isEmpty()) {
            return false;
        }
        // Step 2: write every recorded contribution at our rank, live if ours, else as a
        // tombstone. The rank guard keeps a slower older version from overwriting any of them;
        // a tombstone (not a deletion) is what it runs into.
        for (var encoded : new TreeSet<>(recorded.get())) {
            var contribution = Contribution.decode(encoded);
            if (!writeContribution(event.postId(), contribution, rank, wanted.contains(encoded))) {
                // A newer version passed step 1 and will write all of these itself.
                return false;
            }
        }
        return true;
    }

    /** The recorded contributions after adding {@code wanted}, or empty if a newer rank is stored. */
    private Optional<List<String>> recordVersion(PostEvent event, long rank, Set<String> wanted) {
        var names = new HashMap<String, String>();
        names.put("#rank", RANK);
        names.put("#version", VERSION);
        var values = new HashMap<String, AttributeValue>();
        values.put(":rank", number(rank));
        values.put(":version", number(event.version()));
        var update = "SET #rank = :rank, #version = :version";
        if (!wanted.isEmpty()) {
            // A string set cannot be empty (nor can a name go unused), so a deletion adds nothing.
            update += " ADD #contributions :wanted";
            names.put("#contributions", CONTRIBUTIONS);
            values.put(":wanted", AttributeValue.fromSs(List.copyOf(wanted)));
        }
        var expression = update;
        try {
            var attributes = dynamoDb.updateItem(request -> request
                            .tableName(tableName)
                            .key(key(AnalyticsKeys.postState(event.postId()), AnalyticsKeys.STATE_SORT_KEY))
                            .updateExpression(expression)
                            .conditionExpression(NEWEST_WINS)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes();
            var contributions = attributes.get(CONTRIBUTIONS);
            return Optional.of(contributions == null ? List.of() : contributions.ss());
        } catch (ConditionalCheckFailedException newer) {
            return Optional.empty();
        }
    }

    private boolean writeContribution(String postId, Contribution contribution, long rank, boolean live) {
        var item = new HashMap<String, AttributeValue>();
        item.put(PK, AttributeValue.fromS(contribution.partition()));
        item.put(SK, AttributeValue.fromS(contribution.sortKey(postId)));
        item.put(RANK, number(rank));
        item.put(LIVE, AttributeValue.fromBool(live));
        try {
            dynamoDb.putItem(put -> put
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression(NEWEST_WINS)
                    .expressionAttributeNames(Map.of("#rank", RANK))
                    .expressionAttributeValues(Map.of(":rank", number(rank))));
            return true;
        } catch (ConditionalCheckFailedException newer) {
            return false;
        }
    }

    /**
     * The most used hashtags of posts created in the last {@code hours} UTC hours, the current
     * (partial) hour included: most posts first, ties by hashtag. A post counts with the hashtags of
     * its newest version; deleted posts do not count.
     *
     * @throws IllegalArgumentException unless {@code 1 <= hours <= MAX_HOURS} and {@code 1 <= limit <= MAX_LIMIT}
     */
    public List<HashtagCount> trending(Instant now, int hours, int limit) {
        requireRange("hours", hours, MAX_HOURS);
        requireRange("limit", limit, MAX_LIMIT);
        var sortKeys = new ArrayList<String>();
        for (var hour : hours(now, hours)) {
            // One partition per hour: reading it whole is the cost of an exact answer.
            sortKeys.addAll(liveSortKeys(AnalyticsKeys.hashtagsOfHour(hour)));
        }
        return countByPrefix(sortKeys).entrySet().stream()
                .map(entry -> new HashtagCount(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingLong(HashtagCount::posts).reversed().thenComparing(HashtagCount::hashtag))
                .limit(limit)
                .toList();
    }

    /**
     * Posts created in each of the last {@code hours} UTC hours, oldest first, the current hour
     * last. Deleted posts do not count.
     *
     * @throws IllegalArgumentException unless {@code 1 <= hours <= MAX_HOURS}
     */
    public List<HourCount> postsPerHour(Instant now, int hours) {
        requireRange("hours", hours, MAX_HOURS);
        var window = hours(now, hours);
        var from = AnalyticsKeys.hour(window.getFirst());
        var to = AnalyticsKeys.hour(window.getLast());
        var sortKeys = new ArrayList<String>();
        for (var day = day(window.getFirst()); !day.isAfter(day(window.getLast())); day = day.plusDays(1)) {
            sortKeys.addAll(liveSortKeys(AnalyticsKeys.postsOfDay(day), from, to));
        }
        var counts = countByPrefix(sortKeys);
        return window.stream()
                .map(hour -> new HourCount(hour, counts.getOrDefault(AnalyticsKeys.hour(hour), 0L)))
                .toList();
    }

    /**
     * How many posts created in each of the last {@code hours} UTC hours mention {@code user}
     * (case-folded, without {@code @}, as {@link PostFacts#mentions} finds it), oldest first.
     *
     * @throws IllegalArgumentException unless {@code 1 <= hours <= MAX_HOURS}
     */
    public List<HourCount> mentions(String user, Instant now, int hours) {
        requireRange("hours", hours, MAX_HOURS);
        var window = hours(now, hours);
        var counts = countByPrefix(liveSortKeys(AnalyticsKeys.mentions(user),
                AnalyticsKeys.hour(window.getFirst()), AnalyticsKeys.hour(window.getLast())));
        return window.stream()
                .map(hour -> new HourCount(hour, counts.getOrDefault(AnalyticsKeys.hour(hour), 0L)))
                .toList();
    }

    /**
     * An author's posts per creation day for the last {@code days} UTC days (today included), and
     * of all time. Deleted posts do not count.
     *
     * @throws IllegalArgumentException unless {@code 1 <= days <= MAX_DAYS}
     */
    public AuthorStats author(String authorId, Instant now, int days) {
        requireRange("days", days, MAX_DAYS);
        var today = day(now);
        var first = today.minusDays(days - 1L);
        var partition = AnalyticsKeys.author(authorId);
        var counts = countByPrefix(liveSortKeys(partition, AnalyticsKeys.day(first), AnalyticsKeys.day(today)));
        var perDay = first.datesUntil(today.plusDays(1))
                .map(day -> new DayCount(day, counts.getOrDefault(AnalyticsKeys.day(day), 0L)))
                .toList();
        return new AuthorStats(authorId, perDay, countLive(partition));
    }

    /** The sort keys of all live items of {@code partition}. */
    private List<String> liveSortKeys(String partition) {
        return liveSortKeys(partition, null, null);
    }

    /**
     * The sort keys of the live items of {@code partition} whose prefix (before the first
     * {@code #}) lies in {@code [from, to]}, or of all of them when both are null.
     */
    private List<String> liveSortKeys(String partition, String from, String to) {
        var request = liveItems(partition, from, to).projectionExpression(SK).build();
        var sortKeys = new ArrayList<String>();
        for (var page : dynamoDb.queryPaginator(request)) {
            for (var item : page.items()) {
                sortKeys.add(item.get(SK).s());
            }
        }
        return sortKeys;
    }

    private long countLive(String partition) {
        var request = liveItems(partition, null, null).select(Select.COUNT).build();
        return dynamoDb.queryPaginator(request).stream().mapToLong(QueryResponse::count).sum();
    }

    private QueryRequest.Builder liveItems(String partition, String from, String to) {
        var names = new HashMap<String, String>();
        names.put("#pk", PK);
        names.put("#live", LIVE);
        var values = new HashMap<String, AttributeValue>();
        values.put(":pk", AttributeValue.fromS(partition));
        values.put(":live", AttributeValue.fromBool(true));
        var condition = "#pk = :pk";
        if (from != null) {
            // '$' sorts right after '#', so "<to>$" is above every "<to>#<postId>".
            condition += " AND #sk BETWEEN :from AND :to";
            names.put("#sk", SK);
            values.put(":from", AttributeValue.fromS(from + "#"));
            values.put(":to", AttributeValue.fromS(to + "$"));
        }
        return QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression(condition)
                // Tombstones are read and paid for, then dropped: they are what keeps counts exact.
                .filterExpression("#live = :live")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values);
    }

    private static Map<String, Long> countByPrefix(List<String> sortKeys) {
        return sortKeys.stream().collect(Collectors.groupingBy(AnalyticsStore::prefix, TreeMap::new, Collectors.counting()));
    }

    private static String prefix(String sortKey) {
        return sortKey.substring(0, sortKey.indexOf('#'));
    }

    private static List<Instant> hours(Instant now, int hours) {
        var last = now.truncatedTo(ChronoUnit.HOURS);
        var window = new ArrayList<Instant>(hours);
        for (var i = hours - 1; i >= 0; i--) {
            window.add(last.minus(i, ChronoUnit.HOURS));
        }
        return window;
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Map<String, AttributeValue> key(String partition, String sortKey) {
        return Map.of(PK, AttributeValue.fromS(partition), SK, AttributeValue.fromS(sortKey));
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static void requireRange(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " must be between 1 and " + max + ", was " + value);
        }
    }
}
