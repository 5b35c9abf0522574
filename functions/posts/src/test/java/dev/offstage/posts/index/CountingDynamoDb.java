package dev.offstage.posts.index;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The emulator's client seen through a window, as in the shared idempotency tests' probe: counts
 * the calls {@link SearchIndex} makes, and can fail the n-th write to simulate a crash at that
 * point, or send it twice as the SDK's retry of a write whose answer was lost does. Every request
 * still goes to dynalite.
 */
final class CountingDynamoDb implements DynamoDbClient {

    /** Thrown in place of a write, as a Lambda timeout or a network failure would end the call. */
    static final class Crash extends RuntimeException {
        Crash() {
            super("simulated crash");
        }
    }

    private final DynamoDbClient delegate;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile int crashAtWrite = -1;
    private volatile int repeatWrite = -1;

    CountingDynamoDb(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    void resetCounts() {
        calls.clear();
    }

    /** Makes the {@code n}-th write from now (1-based) throw {@link Crash} without reaching DynamoDB. */
    void crashAtWrite(int n) {
        writes.set(0);
        crashAtWrite = n;
    }

    void noCrash() {
        crashAtWrite = -1;
        repeatWrite = -1;
    }

    /**
     * Makes the {@code n}-th write from now (1-based) reach DynamoDB twice and answers with the
     * second outcome: what the SDK does when a write lands but its answer is lost (a 500 after the
     * write, a dropped connection) and it retries the request as it was.
     */
    void repeatWrite(int n) {
        writes.set(0);
        repeatWrite = n;
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        count("GetItem");
        return delegate.getItem(request);
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        count("Query");
        return delegate.query(request);
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        count("BatchGetItem");
        return delegate.batchGetItem(request);
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        count("UpdateItem");
        if (write()) {
            delegate.updateItem(request);
        }
        return delegate.updateItem(request);
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        count("BatchWriteItem");
        if (write()) {
            delegate.batchWriteItem(request);
        }
        return delegate.batchWriteItem(request);
    }

    /** Counts a write; crashes if it is the one to crash at; true if it is the one to send twice. */
    private boolean write() {
        var n = writes.incrementAndGet();
        if (n == crashAtWrite) {
            crashAtWrite = -1;
            throw new Crash();
        }
        if (n == repeatWrite) {
            repeatWrite = -1;
            return true;
        }
        return false;
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
