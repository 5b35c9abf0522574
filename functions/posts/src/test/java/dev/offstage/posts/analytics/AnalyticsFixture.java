package dev.offstage.posts.analytics;

import dev.offstage.posts.event.PostEvent;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Instant;

/** A fresh analytics table in dynalite, a store on it, and a way to write post events briefly. */
final class AnalyticsFixture implements AutoCloseable {

    final AwsClients aws;
    final String table;
    final AnalyticsStore store;

    AnalyticsFixture(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        this.table = EmulatorsExtension.uniqueName("analytics");
        AnalyticsStore.createTable(aws.dynamoDb(), table);
        this.store = new AnalyticsStore(aws.dynamoDb(), table);
    }

    /** A store whose requests the test can interrupt. */
    InterruptibleDynamoDb interruptible() {
        return new InterruptibleDynamoDb(aws.dynamoDb());
    }

    static PostEvent created(String postId, String authorId, String text, Instant createdAt) {
        return new PostEvent(PostEvent.Type.CREATED, postId, 1, authorId, text, createdAt, createdAt, "en");
    }

    static PostEvent updated(PostEvent earlier, long version, String text) {
        return new PostEvent(PostEvent.Type.UPDATED, earlier.postId(), version, earlier.authorId(), text,
                earlier.createdAt(), earlier.occurredAt().plusSeconds(version), earlier.lang());
    }

    static PostEvent deleted(PostEvent earlier, long version) {
        return new PostEvent(PostEvent.Type.DELETED, earlier.postId(), version, earlier.authorId(), "",
                earlier.createdAt(), earlier.occurredAt().plusSeconds(version), earlier.lang());
    }

    @Override
    public void close() {
        aws.close();
    }
}
