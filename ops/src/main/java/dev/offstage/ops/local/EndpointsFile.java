package dev.offstage.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.ops.Deployment;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local runtime's endpoints file ({@code .offstage/endpoints.json}, written by
 * {@code scripts/dev}): where its HTTP API and emulators listen, their credentials and region, and
 * the local names of the template's queues, tables and functions.
 *
 * @param httpApi    the runtime's HTTP API, which also serves its console API under {@code /_offstage/api}
 * @param region     the region the emulators answer for
 * @param endpoints  service ({@code sqs}, {@code dynamodb}, ...) to endpoint URL
 * @param accessKeyId     the emulators' access key id
 * @param secretAccessKey the emulators' secret key
 * @param deployment the queues, tables and functions by logical id (no log groups locally)
 */
public record EndpointsFile(URI httpApi, String region, Map<String, String> endpoints, String accessKeyId,
        String secretAccessKey, Deployment deployment) {

    public EndpointsFile {
        endpoints = Map.copyOf(endpoints);
    }

    /**
     * @throws NoLocalRuntimeException when there is no such file
     * @throws IllegalArgumentException when it is not an endpoints file
     */
    public static EndpointsFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NoLocalRuntimeException("No endpoints file at " + file + ": start scripts/dev first "
                    + "(or pass --endpoints FILE, or --stack NAME for a deployed stack)");
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the endpoints file " + file + ": " + e.getMessage(), e);
        }
        JsonNode json;
        try {
            json = Json.tree(text);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException("The endpoints file " + file + " is not JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject() || !json.path("httpApi").isTextual() || !json.path("endpoints").isObject()) {
            throw new IllegalArgumentException("The endpoints file " + file
                    + " is not one scripts/dev wrote: it needs httpApi, endpoints, credentials, queues and tables");
        }
        var endpoints = strings(json.path("endpoints"));
        for (var service : new String[] {"sqs", "dynamodb"}) {
            if (!endpoints.containsKey(service)) {
                throw new IllegalArgumentException("The endpoints file " + file + " names no " + service + " endpoint");
            }
        }
        var credentials = json.path("credentials");
        var name = json.path("stackName").asText("local");
        return new EndpointsFile(URI.create(json.path("httpApi").asText()), json.path("region").asText("us-east-1"),
                endpoints, credentials.path("accessKeyId").asText("offstage"),
                credentials.path("secretAccessKey").asText("offstage-secret"),
                new Deployment(name, strings(json.path("queues")), strings(json.path("tables")),
                        strings(json.path("functions")), Map.of()));
    }

    /** The environment the toolkit's AwsClients reads, pointed at the emulators. */
    public Map<String, String> environment() {
        return Map.of(
                "AWS_REGION", region,
                "AWS_ACCESS_KEY_ID", accessKeyId,
                "AWS_SECRET_ACCESS_KEY", secretAccessKey,
                "AWS_ENDPOINT_URL_SQS", endpoints.get("sqs"),
                "AWS_ENDPOINT_URL_DYNAMODB", endpoints.get("dynamodb"));
    }

    private static Map<String, String> strings(JsonNode object) {
        var map = new TreeMap<String, String>();
        object.properties().forEach(entry -> {
            if (entry.getValue().isTextual()) {
                map.put(entry.getKey(), entry.getValue().asText());
            }
        });
        return map;
    }
}
