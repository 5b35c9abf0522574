package dev.offstage.benchmarks;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One cold start, as a fresh Lambda JVM pays it: build a DynamoDB client on the chosen HTTP
 * client and make the first request. {@code scripts/bench-http-clients} runs it many times per
 * client in fresh JVMs, side by side with {@code none} (the JVM alone) as the floor.
 *
 * <p>Usage: {@code HttpClientColdStart <url-connection|crt|none> <dynamodb endpoint>}. Prints the
 * in-process time from before the client is built to after the first answer, in microseconds.
 */
public final class HttpClientColdStart {

    private HttpClientColdStart() {}

    public static void main(String[] args) {
        var started = System.nanoTime();
        SdkHttpClient http = switch (args[0]) {
            case "url-connection" -> UrlConnectionHttpClient.create();
            case "crt" -> AwsCrtHttpClient.create();
            case "none" -> null;
            default -> throw new IllegalArgumentException("unknown client " + args[0]);
        };
        if (http == null) {
            System.out.println(0);
            return;
        }
        // Built directly, not through AwsClients: this compares clients AwsClients does not offer.
        try (var dynamoDb = DynamoDbClient.builder()
                .httpClient(http)
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(args[1]))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .build()) {
            dynamoDb.listTables();
        }
        System.out.println((System.nanoTime() - started) / 1_000);
    }
}
