package dev.offstage.shared.idempotency;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The emulator's DynamoDB client, seen through a window: counts the item calls {@link Idempotency}
 * makes and runs a test's hook before each, to delete a record behind its back, interleave
 * another call at an exact point, or fail a request. Every request still goes to dynalite.
 * (A delegating client rather than an SDK interceptor keeps AwsClients the one place clients are built.)
 */
final class DynamoDbProbe implements DynamoDbClient {

    private static final Consumer<Object> NOTHING = request -> {};

    private final DynamoDbClient delegate;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile Consumer<? super PutItemRequest> beforePut = NOTHING;
    private volatile Consumer<? super GetItemRequest> beforeGet = NOTHING;
    private volatile Consumer<? super DeleteItemRequest> beforeDelete = NOTHING;
    private volatile boolean returnOldItemOnConditionFailure;

    DynamoDbProbe(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    /** How many {@code PutItem}, {@code GetItem} or {@code DeleteItem} requests were made. */
    int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    void resetCounts() {
        calls.clear();
    }

    void beforePut(Consumer<? super PutItemRequest> hook) {
        beforePut = hook;
    }

    void beforeGet(Consumer<? super GetItemRequest> hook) {
        beforeGet = hook;
    }

    void beforeDelete(Consumer<? super DeleteItemRequest> hook) {
        beforeDelete = hook;
    }

    /**
     * Makes a failed conditional put carry the blocking item, as AWS does for
     * {@code ReturnValuesOnConditionCheckFailure=ALL_OLD} and dynalite does not.
     */
    void returnOldItemOnConditionFailure() {
        returnOldItemOnConditionFailure = true;
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        count("PutItem");
        beforePut.accept(request);
        try {
            return delegate.putItem(request);
        } catch (ConditionalCheckFailedException e) {
            if (returnOldItemOnConditionFailure
                    && request.returnValuesOnConditionCheckFailure() == ReturnValuesOnConditionCheckFailure.ALL_OLD) {
                var key = Map.of("id", request.item().get("id"));
                Map<String, AttributeValue> old = delegate.getItem(get -> get
                        .tableName(request.tableName()).key(key).consistentRead(true)).item();
                throw e.toBuilder().item(old).build();
            }
            throw e;
        }
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        count("GetItem");
        beforeGet.accept(request);
        return delegate.getItem(request);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        count("DeleteItem");
        beforeDelete.accept(request);
        return delegate.deleteItem(request);
    }

    private void count(String operation) {
        calls.computeIfAbsent(operation, ignored -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // The delegate belongs to the fixture's AwsClients, which closes it.
    }
}
