package dev.offstage.posts.index;

import dev.offstage.posts.event.PostEvent;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A fresh index table in dynalite, a counting client on it, a clock the test moves, and event makers. */
final class SearchIndexFixture implements AutoCloseable {

    static final Duration LEASE = Duration.ofMinutes(1);

    final AwsClients aws;
    final String table;
    final CountingDynamoDb dynamoDb;
    final TestClock clock = new TestClock(Instant.parse("2026-11-27T10:00:00Z"));
    final PostAnalyzers analyzers = new PostAnalyzers();
    final SearchIndex index;

    SearchIndexFixture(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        this.table = EmulatorsExtension.uniqueName("search-index");
        SearchIndex.createTable(aws.dynamoDb(), table);
        this.dynamoDb = new CountingDynamoDb(aws.dynamoDb());
        this.index = new SearchIndex(dynamoDb, SearchIndexConfig.of(table).withLeaseDuration(LEASE), () -> analyzers, clock);
    }

    static PostEvent created(String postId, String text) {
        return event(PostEvent.Type.CREATED, postId, 1, text, null);
    }

    static PostEvent updated(String postId, long version, String text) {
        return event(PostEvent.Type.UPDATED, postId, version, text, null);
    }

    static PostEvent deleted(String postId, long version) {
        return event(PostEvent.Type.DELETED, postId, version, "", null);
    }

    static PostEvent event(PostEvent.Type type, String postId, long version, String text, String lang) {
        var at = Instant.parse("2026-11-27T09:00:00Z");
        return new PostEvent(type, postId, version, "author-1", text, at, at.plusSeconds(version), lang);
    }

    /** Every item in the table, read around the counting client. */
    List<Map<String, AttributeValue>> items() {
        var items = new ArrayList<Map<String, AttributeValue>>();
        aws.dynamoDb().scanPaginator(scan -> scan.tableName(table).consistentRead(true)).items().forEach(items::add);
        return items;
    }

    Map<String, AttributeValue> item(String pk, String sk) {
        return aws.dynamoDb().getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }

    /** The corpus counters and every term's df, as stored: "docs", "length", "df:<term>" (zeros left out). */
    Map<String, Long> storedCounters() {
        var counters = new HashMap<String, Long>();
        for (var item : items()) {
            var pk = item.get("pk").s();
            if (pk.equals("stats")) {
                counters.put("docs", Long.parseLong(item.get("docs").n()));
                counters.put("length", Long.parseLong(item.get("length").n()));
            } else if (pk.startsWith("t#") && item.get("sk").s().equals("#df")) {
                long df = Long.parseLong(item.get("df").n());
                if (df != 0) {
                    counters.put("df:" + pk.substring(2), df);
                }
            }
        }
        counters.values().removeIf(value -> value == 0);
        return counters;
    }

    /** Every posting as "term postId tf len". */
    List<String> storedPostings() {
        var postings = new ArrayList<String>();
        for (var item : items()) {
            var pk = item.get("pk").s();
            if (pk.startsWith("t#") && !item.get("sk").s().equals("#df")) {
                postings.add(pk.substring(2) + " " + item.get("post").s() + " " + item.get("tf").n() + " " + item.get("len").n());
            }
        }
        postings.sort(null);
        return postings;
    }

    @Override
    public void close() {
        aws.close();
    }
}
