package dev.offstage.local.runtime;

import dev.offstage.local.model.Application;
import dev.offstage.local.resources.ProvisionedResources;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.triggers.HttpApiServer;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the running application listens and what its resources are called locally — printed at
 * startup and written to the endpoints file as JSON, for people ({@code curl}, {@code aws
 * --endpoint-url}) and for scripts and tests.
 *
 * @param console the web console's page, under the HTTP API's port
 * @param functions logical id → function name
 * @param queues logical id → queue URL
 * @param tables logical id → table name
 * @param buckets logical id → bucket name
 * @param secrets logical id → name, full ARN and local value. Printed and written on purpose: they
 *     are local development values (defaults or {@code --secret}), never read from AWS, and a
 *     developer needs them to sign requests by hand
 */
public record LocalEndpoints(
        URI httpApi,
        URI console,
        URI dynamoDb,
        URI sqs,
        URI s3,
        URI secretsManager,
        String region,
        String accessKeyId,
        String secretAccessKey,
        String backend,
        Map<String, String> functions,
        Map<String, String> queues,
        Map<String, String> tables,
        Map<String, String> buckets,
        Map<String, ProvisionedResources.Secret> secrets) {

    public LocalEndpoints {
        functions = Map.copyOf(functions);
        queues = Map.copyOf(queues);
        tables = Map.copyOf(tables);
        buckets = Map.copyOf(buckets);
        secrets = Map.copyOf(secrets);
    }

    static LocalEndpoints of(URI httpApi, Emulators emulators, Application application, ProvisionedResources resources,
            LocalNaming naming) {
        var functions = new TreeMap<String, String>();
        application.functions().forEach((id, function) -> functions.put(id, function.functionName()));
        var queues = new TreeMap<String, String>();
        resources.queues().forEach((id, queue) -> queues.put(id, queue.url()));
        var tables = new TreeMap<String, String>();
        resources.tables().forEach((id, table) -> tables.put(id, table.name()));
        var buckets = new TreeMap<String, String>();
        resources.buckets().forEach((id, bucket) -> buckets.put(id, bucket.name()));
        return new LocalEndpoints(httpApi, httpApi.resolve(HttpApiServer.CONSOLE_PREFIX), emulators.dynamoDbEndpoint(), emulators.sqsEndpoint(), emulators.s3Endpoint(),
                emulators.secretsManagerEndpoint(), naming.region(), emulators.environment().get("AWS_ACCESS_KEY_ID"),
                emulators.environment().get("AWS_SECRET_ACCESS_KEY"), emulators.backend(), functions, queues, tables, buckets,
                resources.secrets());
    }

    /** The endpoints file's content: one JSON object, keys in a stable order. */
    public String toJson() {
        var json = new LinkedHashMap<String, Object>();
        json.put("httpApi", httpApi.toString());
        json.put("console", console.toString());
        json.put("region", region);
        json.put("backend", backend);
        json.put("endpoints", Map.of("dynamodb", dynamoDb.toString(), "sqs", sqs.toString(), "s3", s3.toString(),
                "secretsmanager", secretsManager.toString()));
        json.put("credentials", Map.of("accessKeyId", accessKeyId, "secretAccessKey", secretAccessKey));
        json.put("functions", new TreeMap<>(functions));
        json.put("queues", new TreeMap<>(queues));
        json.put("tables", new TreeMap<>(tables));
        json.put("buckets", new TreeMap<>(buckets));
        var secretsJson = new TreeMap<String, Object>();
        secrets.forEach((id, secret) -> secretsJson.put(id, Map.of("name", secret.name(), "arn", secret.arn(), "value", secret.value())));
        json.put("secrets", secretsJson);
        return Json.write(json) + "\n";
    }

    /** A few readable lines for the terminal. */
    public String summary() {
        var text = new StringBuilder();
        text.append("  HTTP API   ").append(httpApi).append('\n');
        text.append("  Console    ").append(console).append('\n');
        text.append("  DynamoDB   ").append(dynamoDb).append("   (aws --endpoint-url ").append(dynamoDb).append(" dynamodb ...)\n");
        text.append("  SQS        ").append(sqs).append("   (aws --endpoint-url ").append(sqs).append(" sqs ...)\n");
        text.append("  S3         ").append(s3).append("   (aws --endpoint-url ").append(s3).append(" s3 ...)\n");
        text.append("  Secrets    ").append(secretsManager).append("   (aws --endpoint-url ").append(secretsManager)
                .append(" secretsmanager ...)\n");
        text.append("  region ").append(region).append(", credentials ").append(accessKeyId).append(" / ")
                .append(secretAccessKey).append("\n");
        functions.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry ->
                text.append("  function   ").append(entry.getKey()).append(" (").append(entry.getValue()).append(")\n"));
        new TreeMap<>(queues).forEach((id, url) -> text.append("  queue      ").append(id).append("  ").append(url).append('\n'));
        new TreeMap<>(tables).forEach((id, name) -> text.append("  table      ").append(id).append("  ").append(name).append('\n'));
        new TreeMap<>(buckets).forEach((id, name) -> text.append("  bucket     ").append(id).append("  ").append(name).append('\n'));
        // Local values only (see the record's Javadoc): shown so that a developer can sign a webhook.
        new TreeMap<>(secrets).forEach((id, secret) -> text.append("  secret     ").append(id).append("  ").append(secret.name())
                .append(" = ").append(secret.value()).append('\n'));
        return text.toString();
    }
}
