package dev.offstage.shared.priming;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.offstage.shared.http.ApiRequest;
import dev.offstage.shared.http.ApiResponses;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.EmptyBatchRequestException;

/**
 * Primes for what the toolkit owns: the AWS clients of {@code AwsClients} and the trigger events
 * Lambda's runtime hands a handler. Each one is free of side effects by construction — a read of a
 * key no one writes, a batch of nothing — and needs only a permission the function already has for
 * its real work. None reads a secret: a secret read before the snapshot would be kept in every
 * environment restored from it, and would not see a rotation.
 */
public final class Primes {

    /** A key no Offstage code writes: reads of it find nothing. */
    public static final String ABSENT_KEY = "offstage-priming-absent";

    private Primes() {
    }

    /**
     * A DynamoDB {@code GetItem} of {@code key} (one that cannot exist, e.g. {@link #ABSENT_KEY}):
     * builds the client and runs signing, endpoint rules, marshalling and the HTTP connection once.
     * Needs {@code dynamodb:GetItem} on the table.
     */
    public static Prime dynamoDbGetItem(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> key) {
        return Prime.of("dynamodb GetItem " + table, () -> dynamoDb.getItem(get -> get.tableName(table).key(key)));
    }

    /**
     * A DynamoDB {@code UpdateItem} whose condition can never hold ({@code attribute_exists(k) AND
     * attribute_not_exists(k)}), so DynamoDB rejects it ({@code ConditionalCheckFailedException})
     * and writes nothing, whether the key exists or not: the conditional-write path (marshalling
     * an update, unmarshalling the rejection) the version guards and stores take on every message.
     * Needs {@code dynamodb:UpdateItem} on the table.
     */
    public static Prime dynamoDbRejectedUpdate(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> key) {
        return Prime.of("dynamodb UpdateItem (rejected) " + table, () -> {
            try {
                dynamoDb.updateItem(update -> update.tableName(table).key(key)
                        .updateExpression("SET #priming = :priming")
                        .conditionExpression("attribute_exists(#key) AND attribute_not_exists(#key)")
                        .expressionAttributeNames(Map.of("#priming", "offstage_priming", "#key", key.keySet().iterator().next()))
                        .expressionAttributeValues(Map.of(":priming", AttributeValue.fromBool(true))));
                throw new IllegalStateException("An update with a condition that cannot hold was applied to " + table);
            } catch (ConditionalCheckFailedException expected) {
                // Rejected, as it must be: nothing was written.
            }
        });
    }

    /**
     * An SQS {@code SendMessageBatch} of no messages, which SQS rejects ({@code EmptyBatchRequest}):
     * the send path of the client without sending anything. Needs {@code sqs:SendMessage} — what a
     * producer already has (SAM's {@code SQSSendMessagePolicy}); {@code GetQueueAttributes} would
     * need a permission producers lack.
     */
    public static Prime sqsSend(SqsClient sqs, String queueUrl) {
        return Prime.of("sqs SendMessageBatch (empty) " + queueUrl, () -> {
            try {
                var response = sqs.sendMessageBatch(send -> send.queueUrl(queueUrl).entries(List.of()));
                if (!response.successful().isEmpty()) {
                    throw new IllegalStateException("An empty batch sent messages: " + response.successful());
                }
            } catch (EmptyBatchRequestException expected) {
                // What SQS answers: the request went all the way there and back.
            }
        });
    }

    /**
     * An S3 {@code HeadObject} of a key that does not exist, answered 404 (or 403 where the function
     * may not list the bucket). Needs {@code s3:GetObject} on the key.
     */
    public static Prime s3Head(S3Client s3, String bucket, String key) {
        return Prime.of("s3 HeadObject " + bucket + "/" + key, () -> {
            try {
                s3.headObject(head -> head.bucket(bucket).key(key));
            } catch (AwsServiceException e) {
                // Not S3Exception: a catch clause's class is loaded when this class is verified, and
                // functions that never use S3 do not ship the S3 module (posts, see its pom).
                if (e.statusCode() != 404 && e.statusCode() != 403) {
                    throw e;
                }
            }
        });
    }

    /**
     * An HTTP API route's logic, called through {@link ApiResponses#handle} as its handler calls it,
     * on a request that only reads or is rejected before anything is written; any other status
     * than {@code expectedStatus} fails the prime (the route did not take the path it was meant to).
     */
    public static Prime apiRoute(String name, APIGatewayV2HTTPEvent request, Function<ApiRequest, APIGatewayV2HTTPResponse> logic,
            int expectedStatus) {
        return Prime.of(name, () -> {
            var response = ApiResponses.handle(request, logic);
            if (response.getStatusCode() != expectedStatus) {
                throw new IllegalStateException(name + " answered " + response.getStatusCode() + ": " + response.getBody());
            }
        });
    }

    /**
     * A synthetic HTTP API request (payload 2.0) for {@link #apiRoute}: {@code method path}, JSON
     * content type, no body; set path and query parameters, headers and body on it as the route
     * needs.
     */
    public static APIGatewayV2HTTPEvent httpApiRequest(String method, String path) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey(method + " " + path).withRawPath(path)
                .withHeaders(new HashMap<>(Map.of("content-type", "application/json")))
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("offstage-priming")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build())
                        .build())
                .build();
    }

    /** An SQS trigger: the runtime reads an {@link SQSEvent} and writes an {@link SQSBatchResponse}. */
    public static Prime sqsTrigger() {
        return trigger(SQSEvent.class, SQS_EVENT, SQSBatchResponse.class,
                SQSBatchResponse.builder().withBatchItemFailures(List.of(new SQSBatchResponse.BatchItemFailure("m-1"))).build());
    }

    /** An HTTP API trigger: the runtime reads an {@link APIGatewayV2HTTPEvent} and writes its response. */
    public static Prime httpApiTrigger() {
        return trigger(APIGatewayV2HTTPEvent.class, HTTP_API_EVENT, APIGatewayV2HTTPResponse.class,
                APIGatewayV2HTTPResponse.builder().withStatusCode(200).withHeaders(Map.of("content-type", "application/json"))
                        .withBody("{}").build());
    }

    /** An S3 trigger: the runtime reads an {@link S3Event}. */
    public static Prime s3Trigger() {
        return trigger(S3Event.class, S3_EVENT, null, null);
    }

    /**
     * The runtime's own (de)serialisation of a trigger's event and answer — the serialisers of
     * {@code aws-lambda-java-serialization}, which Lambda's Java runtime provides (a shaded Jackson
     * with mix-ins per event type). Where the runtime is not on the class path the prime fails,
     * which is only logged.
     */
    static <I, O> Prime trigger(Class<I> eventType, String sampleEvent, Class<O> answerType, O sampleAnswer) {
        return Prime.of("runtime JSON " + eventType.getSimpleName(), () -> {
            var loader = Primes.class.getClassLoader();
            PojoSerializer<I> events = LambdaEventSerializers.serializerFor(eventType, loader);
            if (events.fromJson(sampleEvent) == null) {
                throw new IllegalStateException("No " + eventType.getSimpleName() + " read from the sample");
            }
            if (answerType != null) {
                PojoSerializer<O> answers = LambdaEventSerializers.serializerFor(answerType, loader);
                answers.toJson(sampleAnswer, OutputStream.nullOutputStream());
            }
        });
    }

    private static final String SQS_EVENT = """
            {"Records":[{"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d","receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
            "body":"{\\"priming\\":true}","attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1545082649183",
            "SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1545082649185"},
            "messageAttributes":{"correlation_id":{"stringValue":"priming","dataType":"String"}},
            "md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",
            "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:priming","awsRegion":"us-east-1"}]}
            """;

    private static final String HTTP_API_EVENT = """
            {"version":"2.0","routeKey":"GET /priming","rawPath":"/priming","rawQueryString":"q=priming",
            "headers":{"content-type":"application/json","user-agent":"priming"},"queryStringParameters":{"q":"priming"},
            "requestContext":{"accountId":"123456789012","apiId":"api-id","domainName":"id.execute-api.us-east-1.amazonaws.com",
            "http":{"method":"GET","path":"/priming","protocol":"HTTP/1.1","sourceIp":"192.0.2.1","userAgent":"priming"},
            "requestId":"priming","routeKey":"GET /priming","stage":"$default","time":"27/Nov/2026:16:00:00 +0000",
            "timeEpoch":1795795200000},"body":"eyJwcmltaW5nIjp0cnVlfQ==","isBase64Encoded":true}
            """;

    private static final String S3_EVENT = """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
            "eventTime":"2026-11-27T16:00:00.000Z","eventName":"ObjectCreated:Put","userIdentity":{"principalId":"priming"},
            "requestParameters":{"sourceIPAddress":"192.0.2.1"},"responseElements":{"x-amz-request-id":"priming"},
            "s3":{"s3SchemaVersion":"1.0","configurationId":"priming","bucket":{"name":"priming","arn":"arn:aws:s3:::priming",
            "ownerIdentity":{"principalId":"priming"}},"object":{"key":"uploads/priming.mp4","size":1024,
            "eTag":"0123456789abcdef0123456789abcdef","sequencer":"0A1B2C3D4E5F678901"}}}]}
            """;
}
