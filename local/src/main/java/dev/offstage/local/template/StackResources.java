package dev.offstage.local.template;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stack's resources — declared ones and those SAM adds implicitly ({@code ServerlessHttpApi},
 * {@code <Function>Role}, {@code <Function>EventInvokeConfigOnFailureQueue}) — with their local
 * physical names and what {@code Ref} and {@code Fn::GetAtt} return for them.
 *
 * <p>Types the runtime does not run (alarms, topics, roles, log groups…) still answer: {@code Ref}
 * gives a name (an ARN for SNS topics, as in AWS) and {@code Arn} an ARN of the right shape.
 */
final class StackResources {

    static final String TABLE = "AWS::DynamoDB::Table";
    static final String SIMPLE_TABLE = "AWS::Serverless::SimpleTable";
    static final String QUEUE = "AWS::SQS::Queue";
    static final String BUCKET = "AWS::S3::Bucket";
    static final String FUNCTION = TemplateDocument.FUNCTION;
    static final String LAMBDA_FUNCTION = "AWS::Lambda::Function";
    static final String TOPIC = "AWS::SNS::Topic";
    static final String HTTP_API = "AWS::Serverless::HttpApi";
    static final String ROLE = "AWS::IAM::Role";
    static final String EVENT_BUS = "AWS::Events::EventBus";
    static final String SECRET = "AWS::SecretsManager::Secret";
    static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    private final Map<String, TemplateDocument.Resource> resources;
    private final LocalNaming naming;
    private final Evaluator evaluator;
    private final Map<String, String> names = new HashMap<>();
    private final Set<String> namesInProgress = new LinkedHashSet<>();

    /** @param resources {@link #declaredAndImplicit(TemplateDocument)} */
    StackResources(Map<String, TemplateDocument.Resource> resources, LocalNaming naming, Evaluator evaluator) {
        this.resources = resources;
        this.naming = naming;
        this.evaluator = evaluator;
    }

    /** Whether the stack has a resource of this logical id (declared or implicit), whatever its condition. */
    boolean declares(String logicalId) {
        return resources.containsKey(logicalId);
    }

    /** Every resource, declared ones first in template order, then implicit ones. */
    Map<String, TemplateDocument.Resource> all() {
        return resources;
    }

    TemplateDocument.Resource get(String logicalId) {
        return resources.get(logicalId);
    }

    /** Whether the resource is created: it has no {@code Condition}, or its condition holds. */
    boolean present(String logicalId) {
        var resource = resources.get(logicalId);
        return resource.condition().isEmpty() || evaluator.condition(resource.condition().get(), resource.site());
    }

    /** What {@code Ref} returns for the resource. */
    Object ref(String logicalId, Site site) {
        var resource = requirePresent(logicalId, "!Ref " + logicalId, site);
        return switch (resource.type()) {
            case QUEUE -> naming.queueUrl(name(logicalId));
            case TOPIC -> naming.topicArn(name(logicalId));
            case SECRET -> naming.secretArn(name(logicalId));
            case HTTP_API, "AWS::ApiGatewayV2::Api" -> naming.apiId(logicalId);
            default -> name(logicalId);
        };
    }

    /** What {@code Fn::GetAtt} returns for the resource's attribute. */
    String getAtt(String logicalId, String attribute, Site site) {
        var expression = "!GetAtt " + logicalId + "." + attribute;
        var resource = requirePresent(logicalId, expression, site);
        var type = resource.type();
        var attributes = switch (type) {
            case TABLE -> List.of("Arn", "StreamArn");
            case SIMPLE_TABLE -> List.of("Arn");
            case QUEUE -> List.of("Arn", "QueueName", "QueueUrl");
            case BUCKET -> List.of("Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL");
            case FUNCTION, LAMBDA_FUNCTION -> List.of("Arn");
            case TOPIC -> List.of("TopicArn", "TopicName");
            case HTTP_API, "AWS::ApiGatewayV2::Api" -> List.of("ApiEndpoint", "ApiId");
            case ROLE -> List.of("Arn", "RoleId");
            case SECRET -> List.of("Id");
            default -> null;
        };
        if (attributes != null && !attributes.contains(attribute)) {
            throw site.problem(expression + ": " + logicalId + " (" + type + ") has no attribute '" + attribute
                    + "' (it has " + String.join(", ", attributes) + ")");
        }
        return switch (type + "." + attribute) {
            case TABLE + ".Arn", SIMPLE_TABLE + ".Arn" -> naming.tableArn(name(logicalId));
            case TABLE + ".StreamArn" -> {
                if (!resource.properties().containsKey("StreamSpecification")) {
                    throw site.problem(expression + ": table " + logicalId + " has no StreamSpecification, so it has no stream");
                }
                yield naming.tableStreamArn(name(logicalId));
            }
            case QUEUE + ".Arn" -> naming.queueArn(name(logicalId));
            case QUEUE + ".QueueName" -> name(logicalId);
            case QUEUE + ".QueueUrl" -> naming.queueUrl(name(logicalId));
            case BUCKET + ".Arn" -> naming.bucketArn(name(logicalId));
            case BUCKET + ".DomainName" -> name(logicalId) + ".s3." + naming.urlSuffix();
            case BUCKET + ".DualStackDomainName" -> name(logicalId) + ".s3.dualstack." + naming.region() + "." + naming.urlSuffix();
            case BUCKET + ".RegionalDomainName" -> name(logicalId) + ".s3." + naming.region() + "." + naming.urlSuffix();
            case BUCKET + ".WebsiteURL" -> "http://" + name(logicalId) + ".s3-website-" + naming.region() + "." + naming.urlSuffix();
            case FUNCTION + ".Arn", LAMBDA_FUNCTION + ".Arn" -> naming.functionArn(name(logicalId));
            case TOPIC + ".TopicArn" -> naming.topicArn(name(logicalId));
            case TOPIC + ".TopicName" -> name(logicalId);
            case HTTP_API + ".ApiEndpoint", "AWS::ApiGatewayV2::Api.ApiEndpoint" -> naming.httpApiUrl().toString();
            case HTTP_API + ".ApiId", "AWS::ApiGatewayV2::Api.ApiId" -> naming.apiId(logicalId);
            case ROLE + ".Arn" -> naming.roleArn(name(logicalId));
            case SECRET + ".Id" -> naming.secretArn(name(logicalId));
            case ROLE + ".RoleId" -> "AROA" + PhysicalNames.suffix(naming.stackName(), logicalId, 17);
            case "AWS::Logs::LogGroup.Arn" -> naming.arn("logs", "log-group:" + name(logicalId) + ":*");
            default -> attribute.equals("Arn") || attribute.endsWith("Arn")
                    ? naming.arn(service(type), name(logicalId))
                    : name(logicalId);
        };
    }

    /**
     * The resource's physical name: the name property the template gives (resolved), else one
     * derived from stack and logical id.
     */
    String name(String logicalId) {
        var known = names.get(logicalId);
        if (known != null) {
            return known;
        }
        if (!namesInProgress.add(logicalId)) {
            throw resources.get(logicalId).site().problem("its name depends on itself: "
                    + String.join(" -> ", namesInProgress) + " -> " + logicalId);
        }
        try {
            var name = computeName(resources.get(logicalId));
            names.put(logicalId, name);
            return name;
        } finally {
            namesInProgress.remove(logicalId);
        }
    }

    /**
     * The present resource of one of {@code types} whose ARN (or, for SNS topics, Ref) is
     * {@code arn}, if the stack has one.
     */
    Optional<String> findByArn(String arn, Set<String> types) {
        for (var resource : resources.values()) {
            if (types.contains(resource.type()) && present(resource.logicalId())
                    && arn.equals(arnOf(resource))) {
                return Optional.of(resource.logicalId());
            }
        }
        return Optional.empty();
    }

    /** The ARN of any resource that has one, for matching ARNs back to logical ids. */
    private String arnOf(TemplateDocument.Resource resource) {
        var id = resource.logicalId();
        return switch (resource.type()) {
            case QUEUE -> naming.queueArn(name(id));
            case TOPIC -> naming.topicArn(name(id));
            case FUNCTION, LAMBDA_FUNCTION -> naming.functionArn(name(id));
            case BUCKET -> naming.bucketArn(name(id));
            case TABLE, SIMPLE_TABLE -> naming.tableArn(name(id));
            case EVENT_BUS -> naming.arn("events", "event-bus/" + name(id));
            case SECRET -> naming.secretArn(name(id));
            default -> naming.arn(service(resource.type()), name(id));
        };
    }

    private TemplateDocument.Resource requirePresent(String logicalId, String expression, Site site) {
        var resource = resources.get(logicalId);
        if (!present(logicalId)) {
            throw site.problem(expression + " refers to " + logicalId + ", which is not created: its condition "
                    + resource.condition().orElseThrow() + " is false");
        }
        return resource;
    }

    private String computeName(TemplateDocument.Resource resource) {
        var id = resource.logicalId();
        var stack = naming.stackName();
        return switch (resource.type()) {
            case TABLE, SIMPLE_TABLE -> explicitName(resource, "TableName").orElseGet(() -> PhysicalNames.table(stack, id));
            case QUEUE -> explicitName(resource, "QueueName")
                    .orElseGet(() -> PhysicalNames.queue(stack, id, isFifo(resource)));
            case BUCKET -> explicitName(resource, "BucketName").orElseGet(() -> PhysicalNames.bucket(stack, id));
            case FUNCTION, LAMBDA_FUNCTION -> explicitName(resource, "FunctionName").orElseGet(() -> PhysicalNames.function(stack, id));
            case EVENT_BUS -> explicitName(resource, "Name").orElseGet(() -> PhysicalNames.other(stack, id));
            default -> {
                // Most types name themselves <Kind>Name (TopicName, RoleName, LogGroupName, AlarmName).
                var kind = resource.type().substring(resource.type().lastIndexOf(':') + 1);
                yield explicitName(resource, kind + "Name")
                        .or(() -> explicitName(resource, "Name"))
                        .orElseGet(() -> PhysicalNames.other(stack, id));
            }
        };
    }

    private Optional<String> explicitName(TemplateDocument.Resource resource, String property) {
        if (!resource.properties().containsKey(property)) {
            return Optional.empty();
        }
        var value = evaluator.evaluate(resource.properties().get(property), resource.site().child(property));
        if (value == Evaluator.NO_VALUE) {
            return Optional.empty();
        }
        var name = Evaluator.scalar(value, resource.site().child(property), property);
        if (name.isBlank()) {
            throw resource.site().child(property).problem("is empty");
        }
        return Optional.of(name);
    }

    boolean isFifo(TemplateDocument.Resource resource) {
        var value = resource.properties().get("FifoQueue");
        if (value == null) {
            return false;
        }
        var evaluated = evaluator.evaluate(value, resource.site().child("FifoQueue"));
        return evaluated != Evaluator.NO_VALUE
                && "true".equalsIgnoreCase(Evaluator.scalar(evaluated, resource.site().child("FifoQueue"), "FifoQueue"));
    }

    /** {@code AWS::Logs::LogGroup} → {@code logs}: the service part of ARNs for types without a rule here. */
    private static String service(String type) {
        var parts = type.split("::");
        return parts.length >= 2 ? parts[1].toLowerCase(Locale.ROOT) : "unknown";
    }

    /** The template's resources in template order, then those SAM adds for them. */
    static Map<String, TemplateDocument.Resource> declaredAndImplicit(TemplateDocument template) {
        var resources = new LinkedHashMap<>(template.resources());
        var needsHttpApi = false;
        for (var resource : template.resources().values()) {
            if (!resource.type().equals(FUNCTION)) {
                continue;
            }
            var id = resource.logicalId();
            var properties = resource.properties();
            if (!properties.containsKey("Role")) {
                resources.putIfAbsent(id + "Role", new TemplateDocument.Resource(id + "Role", ROLE, Map.of(), Map.of(), resource.condition(), List.of()));
            }
            if (properties.get("Events") instanceof Map<?, ?> events) {
                for (var event : events.values()) {
                    if (event instanceof Map<?, ?> body && "HttpApi".equals(body.get("Type"))
                            && !(body.get("Properties") instanceof Map<?, ?> eventProperties && eventProperties.containsKey("ApiId"))) {
                        needsHttpApi = true;
                    }
                }
            }
            // SAM creates the destination when DestinationConfig names only its Type.
            if (properties.get("EventInvokeConfig") instanceof Map<?, ?> config
                    && config.get("DestinationConfig") instanceof Map<?, ?> destinations) {
                for (var kind : List.of("OnFailure", "OnSuccess")) {
                    if (destinations.get(kind) instanceof Map<?, ?> destination && !destination.containsKey("Destination")) {
                        var type = String.valueOf(destination.get("Type"));
                        if (type.equals("SQS")) {
                            var queue = id + "EventInvokeConfig" + kind + "Queue";
                            resources.putIfAbsent(queue, new TemplateDocument.Resource(queue, QUEUE,
                                    Map.of(), Map.of(), resource.condition(), List.of()));
                        } else if (type.equals("SNS")) {
                            var topic = id + "EventInvokeConfig" + kind + "Topic";
                            resources.putIfAbsent(topic, new TemplateDocument.Resource(topic, TOPIC,
                                    Map.of(), Map.of(), resource.condition(), List.of()));
                        }
                    }
                }
            }
        }
        if (needsHttpApi) {
            resources.putIfAbsent(IMPLICIT_HTTP_API,
                    new TemplateDocument.Resource(IMPLICIT_HTTP_API, HTTP_API, Map.of(), Map.of(), Optional.empty(), List.of()));
        }
        return resources;
    }
}
