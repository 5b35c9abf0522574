package dev.offstage.posts.analytics;

import java.util.function.IntConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The requests {@link AnalyticsStore} makes, passed through to dynalite, with two ways to get
 * between them: run other work before the n-th request (another consumer overtaking), or crash
 * right after the n-th request succeeded (the process dies, the response is lost).
 */
final class InterruptibleDynamoDb implements DynamoDbClient {

    /** What the consumer process dying looks like to the test. */
    static final class Crash extends RuntimeException {
        Crash(int request) {
            super("simulated crash after request " + request);
        }
    }

    private final DynamoDbClient delegate;
    private int requests;
    private int crashAfter;
    private IntConsumer beforeRequest = request -> {};

    InterruptibleDynamoDb(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    /** Counts requests from zero again, with no crash and nothing to run in between. */
    void reset() {
        requests = 0;
        crashAfter = 0;
        beforeRequest = request -> {};
    }

    /** Throws {@link Crash} right after the {@code request}-th request (from 1) since the reset. */
    void crashAfter(int request) {
        crashAfter = request;
    }

    /** Runs {@code work} with the number of each request (from 1) before making it. */
    void beforeEachRequest(IntConsumer work) {
        beforeRequest = work;
    }

    private <T> T call(Supplier<T> request) {
        var number = ++requests;
        beforeRequest.accept(number);
        var response = request.get();
        if (number == crashAfter) {
            throw new Crash(number);
        }
        return response;
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return call(() -> delegate.updateItem(request));
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return call(() -> delegate.putItem(request));
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return call(() -> delegate.query(request));
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // The delegate belongs to the fixture.
    }
}
