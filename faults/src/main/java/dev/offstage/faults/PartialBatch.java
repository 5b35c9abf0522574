package dev.offstage.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;

/**
 * A batch write cut short, as AWS cuts them under load: some entries are not sent, and the answer
 * lists them where the service lists entries it did not process — DynamoDB's
 * {@code UnprocessedItems}, SQS's {@code Failed} entries, S3's {@code Errors} of a
 * {@code DeleteObjects}. The call itself succeeds; only a caller that reads those lists knows.
 *
 * @param request the request with the entries left out removed
 * @param report adds the entries left out to the service's answer
 * @param leftOut how many entries were left out
 * @param entries how many the request had
 */
record PartialBatch(SdkRequest request, UnaryOperator<SdkResponse> report, int leftOut, int entries) {

    /** The operations that can be cut: the batch writes the services answer entry by entry. */
    static final Set<String> OPERATIONS = Set.of("BatchWriteItem", "SendMessageBatch", "DeleteObjects");

    /** {@code request} cut short, or empty when it is not a batch write of two entries or more. */
    static Optional<PartialBatch> cut(AwsService service, SdkRequest request, SplittableRandom random) {
        return switch (service) {
            case DYNAMODB -> DynamoDbErrors.partial(request, random);
            case SQS -> SqsErrors.partial(request, random);
            case S3 -> S3Errors.partial(request, random);
        };
    }

    /** Which of {@code entries} (two or more) to leave out: at least one, never all. */
    static Set<Integer> leftOut(int entries, SplittableRandom random) {
        var count = 1 + random.nextInt(entries - 1);
        var indices = new ArrayList<Integer>();
        for (int i = 0; i < entries; i++) {
            indices.add(i);
        }
        for (int i = indices.size() - 1; i > 0; i--) {
            var j = random.nextInt(i + 1);
            var swap = indices.get(i);
            indices.set(i, indices.get(j));
            indices.set(j, swap);
        }
        return new TreeSet<>(indices.subList(0, count));
    }

    /** {@code items} split by {@code leftOut}: [kept, left out]. */
    static <T> List<List<T>> split(List<T> items, Set<Integer> leftOut) {
        var kept = new ArrayList<T>();
        var dropped = new ArrayList<T>();
        for (int i = 0; i < items.size(); i++) {
            (leftOut.contains(i) ? dropped : kept).add(items.get(i));
        }
        return List.of(kept, dropped);
    }
}
