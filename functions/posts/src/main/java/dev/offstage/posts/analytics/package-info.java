/**
 * Analytics over post events: exact counts of posts per hour, posts per author and day, hashtags
 * per hour (trending) and mentions per user and hour, under at-least-once, unordered delivery.
 * {@link dev.offstage.posts.analytics.PostFacts} says what a post version contains;
 * {@link dev.offstage.posts.analytics.AnalyticsStore} keeps and reads the counts.
 *
 * <h2>What counts</h2>
 * <ul>
 *   <li>Each post counts as its <b>newest event</b> says, whichever arrives first: version order
 *       decides, and a deletion is newer than every version (an update after a delete, even with a
 *       higher version, changes nothing).</li>
 *   <li>A live post counts once in <b>posts per hour</b> and <b>its author's posts per day</b>, in
 *       the UTC hour and day of its {@code createdAt} (every event carries it, so an update
 *       arriving before the creation counts the post just the same).</li>
 *   <li>Its <b>hashtags</b> and <b>mentions</b> are those of its newest text, bucketed in its
 *       creation hour too: an update that changes them moves the counts, exactly.</li>
 *   <li>A <b>deleted</b> post counts nowhere any more: its posts, author, hashtag and mention
 *       counts are all removed, exactly (the scheme below makes this as clean as an update).</li>
 * </ul>
 *
 * <h2>Why no counter is ever incremented</h2>
 * An atomic {@code ADD} plus a "done" marker cannot be exactly once without transactions (ADD then
 * marker double-counts when the process dies in between and the message is retried; marker then
 * ADD loses the count), and dynalite has no TransactWriteItems. So a counter is not a number but
 * a <em>set</em>: one <b>contribution item</b> per post in the counter's partition, and the count
 * is the number of live items, read with a Query. Writing an item twice is the same as once, so
 * duplicates are harmless; what remains is ordering, which ranks settle. The idempotency key
 * (post, version, consumer) is built in: the table is this consumer's own, and every write is
 * decided by the post and its version's rank, so no separate idempotency record is needed.
 *
 * <h2>The table</h2>
 * One table, string partition key {@code pk} and sort key {@code sk}:
 * <table>
 *   <caption>Items</caption>
 *   <tr><th>{@code pk}</th><th>{@code sk}</th><th>Other attributes</th><th>Meaning</th></tr>
 *   <tr><td>{@code post#<postId>}</td><td>{@code state}</td>
 *       <td>{@code rank} N, {@code version} N, {@code contributions} SS</td>
 *       <td>the newest rank applied to the post (its version; {@code Long.MAX_VALUE} once deleted),
 *       and every contribution any version of it has ever made</td></tr>
 *   <tr><td>{@code posts#<day>}</td><td>{@code <hour>#<postId>}</td><td rowspan="4">{@code rank} N,
 *       {@code live} BOOL</td><td>the post counts in posts per hour</td></tr>
 *   <tr><td>{@code author#<authorId>}</td><td>{@code <day>#<postId>}</td><td>the post counts for its author</td></tr>
 *   <tr><td>{@code hashtags#<hour>}</td><td>{@code <hashtag>#<postId>}</td><td>the post carries the hashtag</td></tr>
 *   <tr><td>{@code mentions#<user>}</td><td>{@code <hour>#<postId>}</td><td>the post mentions the user</td></tr>
 * </table>
 * Hours are {@code 2026-11-27T08}, days {@code 2026-11-27} (UTC), so a time range is a sort key
 * {@code BETWEEN}. A contribution with {@code live = false} is a <b>tombstone</b>: the post used
 * to count there and no longer does; it stays, because it carries the rank that stops an older
 * version from writing the item back.
 *
 * <h2>Applying an event (why it is exact)</h2>
 * With {@code r} the event's rank and {@code W} the contributions its version wants:
 * <ol>
 *   <li>UpdateItem on the state item, condition {@code rank <= r}: set the rank, {@code ADD W} to
 *       {@code contributions}, return the new set {@code K}. If it fails, something newer is
 *       recorded and the event changes nothing.</li>
 *   <li>For each key in {@code K}: PutItem {@code (rank r, live = key in W)}, condition
 *       {@code rank <= r}. If one fails, a newer version has passed step 1 and will write them all.</li>
 * </ol>
 * Every write is conditional on a single item, so each is atomic and repeatable. Once the newest
 * event {@code n} passes step 1, an older version's step 1 fails; so any older version that ever
 * writes a contribution passed step 1 before {@code n} did, and its keys are in the {@code K}
 * that {@code n} reads. {@code n} then writes every one of them at its rank, and rank guards make
 * any older write to them fail or be overwritten. A crash anywhere leaves a prefix of these
 * writes; the redelivered message repeats them (the same rank passes {@code rank <= r} again) and
 * finishes. So once the newest event has been applied through to the end, every contribution item
 * of the post says exactly what that event says, whatever else arrived, how often and when.
 * That relies on the queue redelivering a failed message until it succeeds (and on a dead-letter
 * redrive if it ever gives up), which is SQS's at-least-once contract.
 *
 * <h2>Costs</h2>
 * <ul>
 *   <li>{@code apply}: 1 UpdateItem, then 1 PutItem per contribution the post has ever had (a new
 *       post with 3 hashtags and 1 mention: 1 + 6 = 7 requests); an event that turns out stale:
 *       1 request. PostFacts caps a version at 30 hashtags and 30 mentions; the state item's
 *       {@code contributions} grows with every distinct name a post ever had (tens of bytes each,
 *       against DynamoDB's 400 KB item limit: thousands of edits with all-new names).</li>
 *   <li>{@code trending(now, hours, limit)}: one Query per hour, reading each hour's hashtag
 *       items whole (plus one request per further 1 MB page); contribution items are about 100
 *       bytes, so roughly 40 per read unit (eventually consistent).</li>
 *   <li>{@code postsPerHour}: one Query per UTC day the window touches (at most 8 for a week).</li>
 *   <li>{@code mentions}: one Query. {@code author}: one Query for the days, and one
 *       {@code Select COUNT} Query over the author's whole partition for the total, so its cost
 *       grows with the author's posts.</li>
 *   <li>Tombstones are read and filtered out, so they cost reads; a post leaves at most one per
 *       counter it ever left. Nothing expires (dynalite has no TTL); old hours can be dropped by a
 *       later cleanup without touching this scheme's guarantees for recent ones.</li>
 * </ul>
 * Hot keys: all hashtag writes of an hour go to one partition, all posts of a day to another.
 * DynamoDB splits hot partitions by sort key, which these have; at far higher volume a partition
 * would need a shard suffix, read back by one Query per shard.
 */
package dev.offstage.posts.analytics;
