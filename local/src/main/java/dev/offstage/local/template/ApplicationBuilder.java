package dev.offstage.local.template;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.local.model.BucketSpec;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.local.model.LoggingSettings;
import dev.offstage.local.model.QueueSpec;
import dev.offstage.local.model.SecretSpec;
import dev.offstage.local.model.TableSpec;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the resolved template into the runtime's {@link Application}: one spec per function,
 * table, queue and bucket that is created (its condition holds), checked the way SAM, CloudFormation
 * and the services would check it at deploy time. Problems are collected across resources and
 * reported together.
 */
final class ApplicationBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationBuilder.class);

    private static final Pattern JAVA_HANDLER = Pattern.compile(
            "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*"
                    + "(::\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)?");
    /** Lambda's rule for environment variable names. */
    private static final Pattern VARIABLE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]+");
    private static final Set<String> HTTP_METHODS = Set.of("ANY", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final Pattern QUEUE_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,75}(\\.fifo)?|[a-zA-Z0-9_-]{1,80}");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    /** Brand names kept as one word in default secret values: GitHubWebhookSecret → local-github-webhook-secret. */
    private static final List<String> ONE_WORD = List.of("GitHub", "GitLab", "OAuth");
    private static final String EVENT_INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig";
    private static final List<String> LOGGING_CONFIG_PROPERTIES = List.of("LogFormat", "ApplicationLogLevel", "SystemLogLevel", "LogGroup");
    /** The Lambda API's rule for {@code LoggingConfig.LogGroup}. */
    private static final Pattern LOG_GROUP = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");
    /** A layer version ARN, as {@code Layers} takes it: {@code arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION}. */
    private static final Pattern LAYER_VERSION_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+");
    /** Lambda's limit on layers per function. */
    private static final int MAX_LAYERS = 5;

    private final Path templateFolder;
    private final LocalNaming naming;
    private final ParameterValues parameters;
    private final Evaluator evaluator;
    private final StackResources resources;
    private final List<String> problems = new ArrayList<>();

    ApplicationBuilder(Path templateFolder, LocalNaming naming, ParameterValues parameters, Evaluator evaluator) {
        this.templateFolder = templateFolder;
        this.naming = naming;
        this.parameters = parameters;
        this.evaluator = evaluator;
        this.resources = evaluator.resources();
    }

    /** @throws TemplateException listing every problem found */
    Application build() {
        var functions = new LinkedHashMap<String, FunctionSpec>();
        var tables = new LinkedHashMap<String, TableSpec>();
        var queues = new LinkedHashMap<String, QueueSpec>();
        var buckets = new LinkedHashMap<String, BucketSpec>();
        var secrets = new LinkedHashMap<String, SecretSpec>();
        var standaloneAsync = new LinkedHashMap<String, AsyncConfig>();
        var functionResources = new ArrayList<TemplateDocument.Resource>();

        for (var resource : resources.all().values()) {
            attempt(() -> {
                if (!resources.present(resource.logicalId())) {
                    return null;
                }
                var id = resource.logicalId();
                switch (resource.type()) {
                    case StackResources.TABLE -> tables.put(id, table(resource));
                    case StackResources.SIMPLE_TABLE -> tables.put(id, simpleTable(resource));
                    case StackResources.QUEUE -> queues.put(id, queue(resource));
                    case StackResources.BUCKET -> buckets.put(id, bucket(resource));
                    case StackResources.SECRET -> secrets.put(id, secret(resource));
                    case StackResources.FUNCTION -> functionResources.add(resource);
                    case EVENT_INVOKE_CONFIG -> standaloneInvokeConfig(resource, standaloneAsync);
                    case StackResources.LAMBDA_FUNCTION -> LOG.warn("{}: AWS::Lambda::Function is not run locally; "
                            + "declare the function as AWS::Serverless::Function to run it", id);
                    default -> { }
                }
                return null;
            });
        }
        var routes = new HashMap<String, String>();
        for (var resource : functionResources) {
            var spec = attempt(() -> function(resource, Optional.ofNullable(standaloneAsync.get(resource.logicalId()))));
            if (spec != null) {
                functions.put(spec.logicalId(), spec);
                checkRoutes(spec, resource, routes);
            }
        }
        checkUniqueNames("function", functions, FunctionSpec::functionName);
        checkUniqueNames("table", tables, TableSpec::name);
        checkUniqueNames("queue", queues, QueueSpec::name);
        checkUniqueNames("bucket", buckets, BucketSpec::name);
        checkUniqueNames("secret", secrets, SecretSpec::name);
        checkS3Overlaps(functions);
        if (!problems.isEmpty()) {
            throw new TemplateException(null, problems);
        }
        return new Application(naming.stackName(), parameters.displayValues(), functions, tables, queues, buckets, secrets);
    }

    // ---- functions ----------------------------------------------------------------------------

    private FunctionSpec function(TemplateDocument.Resource resource, Optional<AsyncConfig> standaloneAsync) {
        var id = resource.logicalId();
        var properties = new PropertyMap(resource.properties(), evaluator, resource.site());
        var before = problems.size();
        if (properties.string("PackageType").filter("Image"::equalsIgnoreCase).isPresent()) {
            throw properties.site("PackageType").problem("container image functions are not supported locally; "
                    + "the local runtime runs Java functions from their Maven module (PackageType: Zip)");
        }
        if (properties.written("InlineCode")) {
            throw properties.site("InlineCode").problem("inline code is not supported locally; point CodeUri at the function's Maven module");
        }
        var handler = attempt(() -> handler(properties));
        var runtime = attempt(() -> runtime(properties));
        var codeUri = attempt(() -> codeUri(properties));
        var memory = attempt(() -> properties.integer("MemorySize", 128, 128, 10240));
        var timeout = attempt(() -> properties.integer("Timeout", 3, 1, 900));
        var environment = attempt(() -> environment(properties));
        var reserved = attempt(() -> {
            var value = properties.integer("ReservedConcurrentExecutions");
            if (value.isPresent() && value.getAsInt() < 0) {
                throw properties.site("ReservedConcurrentExecutions").problem("must not be negative");
            }
            return value;
        });
        var name = attempt(() -> {
            var functionName = resources.name(id);
            if (!FUNCTION_NAME.matcher(functionName).matches()) {
                throw properties.site("FunctionName").problem("'" + functionName
                        + "' is not a valid function name (letters, digits, hyphens and underscores, at most 64)");
            }
            return functionName;
        });
        var events = attempt(() -> events(properties, timeout == null ? 3 : timeout));
        var async = attempt(() -> {
            var own = properties.map("EventInvokeConfig").map(config -> asyncConfig(config, id, true));
            if (own.isPresent() && standaloneAsync.isPresent()) {
                throw properties.site("EventInvokeConfig").problem("is also given by an AWS::Lambda::EventInvokeConfig "
                        + "resource for this function; keep one");
            }
            return own.or(() -> standaloneAsync).orElse(AsyncConfig.LAMBDA_DEFAULTS);
        });
        var logging = attempt(() -> logging(properties));
        var snapStart = attempt(() -> snapStart(properties));
        attempt(() -> {
            var storage = properties.map("EphemeralStorage");
            var size = storage.map(sized -> sized.integer("Size", 512, 512, 10_240)).orElse(512);
            if (snapStart == FunctionSpec.SnapStart.PUBLISHED_VERSIONS && size > 512) {
                // Lambda refuses to publish such a version: refuse it here rather than run hooks AWS never will.
                throw storage.orElseThrow().site("Size").problem("is " + size + " MB with SnapStart ApplyOn: "
                        + "PublishedVersions; Lambda refuses SnapStart with more than 512 MB of /tmp: set "
                        + "SnapStart ApplyOn: None on this function or keep /tmp at 512 MB");
            }
            return size;
        });
        attempt(() -> layers(properties));
        if (problems.size() > before) {
            return null;
        }
        return new FunctionSpec(id, name, handler, codeUri, runtime, memory, Duration.ofSeconds(timeout), environment,
                reserved, events, async, logging, snapStart);
    }

    /** {@code SnapStart.ApplyOn}, the one property SnapStart has (values as the Lambda API spells them). */
    private static FunctionSpec.SnapStart snapStart(PropertyMap properties) {
        var config = properties.map("SnapStart");
        if (config.isEmpty()) {
            return FunctionSpec.SnapStart.NONE;
        }
        var snapStart = config.get();
        for (var key : snapStart.keys()) {
            if (!"ApplyOn".equals(String.valueOf(key))) {
                throw snapStart.site(String.valueOf(key)).problem("is not a SnapStart property (ApplyOn)");
            }
        }
        return switch (snapStart.string("ApplyOn").orElse("None")) {
            case "PublishedVersions" -> FunctionSpec.SnapStart.PUBLISHED_VERSIONS;
            case "None" -> FunctionSpec.SnapStart.NONE;
            default -> throw snapStart.site("ApplyOn").problem("'" + snapStart.string("ApplyOn").orElseThrow()
                    + "' is not a SnapStart setting: write PublishedVersions or None");
        };
    }

    /**
     * {@code Layers}, checked as Lambda checks them (at most five layer version ARNs) but not
     * fetched: the runtime has no AWS account to download them from, so the function runs with
     * this machine's files instead — a layer's {@code /opt} content is not there. Said at startup,
     * so that a function looking for {@code /opt/...} is not a mystery.
     */
    private static List<String> layers(PropertyMap properties) {
        var layers = properties.strings("Layers");
        if (layers.size() > MAX_LAYERS) {
            throw properties.site("Layers").problem("has " + layers.size() + " layers; Lambda takes at most " + MAX_LAYERS);
        }
        for (int i = 0; i < layers.size(); i++) {
            if (!LAYER_VERSION_ARN.matcher(layers.get(i)).matches()) {
                throw properties.site("Layers").index(i).problem("'" + layers.get(i) + "' is not a layer version ARN "
                        + "(arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)");
            }
        }
        if (!layers.isEmpty()) {
            LOG.warn("{}: Layers {} are not fetched locally (the local runtime cannot download layers): the function "
                    + "runs without them, with this machine's files, and /opt holds none of their content",
                    properties.site(), String.join(", ", layers));
        }
        return layers;
    }

    private static String handler(PropertyMap properties) {
        var handler = properties.string("Handler").orElseThrow(() -> properties.site().problem(
                "has no Handler: set it on the function or in Globals.Function (package.Class or package.Class::method)"));
        if (!JAVA_HANDLER.matcher(handler).matches()) {
            throw properties.site("Handler").problem("'" + handler + "' is not a Java handler: write package.Class or "
                    + "package.Class::method");
        }
        return handler;
    }

    private static String runtime(PropertyMap properties) {
        var runtime = properties.string("Runtime").orElseThrow(() -> properties.site().problem(
                "has no Runtime: set it on the function or in Globals.Function (java25)"));
        if (!runtime.startsWith("java")) {
            throw properties.site("Runtime").problem("'" + runtime + "' is not supported: the local runtime runs Java functions");
        }
        return runtime;
    }

    private Path codeUri(PropertyMap properties) {
        var value = properties.value("CodeUri").orElseThrow(() -> properties.site().problem(
                "has no CodeUri: set it on the function or in Globals.Function to the function's Maven module folder"));
        if (value instanceof Map<?, ?>) {
            throw properties.site("CodeUri").problem("is an S3 location; the local runtime needs a local folder "
                    + "(the function's Maven module)");
        }
        var written = Evaluator.scalar(value, properties.site("CodeUri"), "CodeUri");
        Path folder;
        try {
            folder = templateFolder.resolve(written).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw properties.site("CodeUri").problem("'" + written + "' is not a valid path: " + e.getReason());
        }
        if (!Files.exists(folder)) {
            throw properties.site("CodeUri").problem("'" + written + "' does not exist (looked for " + folder + ")");
        }
        if (!Files.isDirectory(folder)) {
            throw properties.site("CodeUri").problem("'" + written + "' (" + folder + ") is not a folder; the local runtime "
                    + "runs a function from its Maven module folder");
        }
        if (!Files.isRegularFile(folder.resolve("pom.xml"))) {
            throw properties.site("CodeUri").problem("'" + written + "' (" + folder + ") has no pom.xml; the local runtime "
                    + "runs a function from its Maven module (target/classes and target/lambda-classpath.txt)");
        }
        return folder;
    }

    private Map<String, String> environment(PropertyMap properties) {
        var variables = properties.map("Environment").flatMap(environment -> environment.map("Variables"));
        if (variables.isEmpty()) {
            return Map.of();
        }
        var resolved = new LinkedHashMap<String, String>();
        for (var key : variables.get().keys()) {
            var name = String.valueOf(key);
            var site = variables.get().site(name);
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw site.problem("'" + name + "' is not a valid variable name for Lambda (a letter, then letters, "
                        + "digits and underscores; at least two characters)");
            }
            if (FunctionSpec.RESERVED_VARIABLES.contains(name)) {
                throw site.problem(name + " is reserved: Lambda sets it itself and rejects it from a template");
            }
            variables.get().value(name).ifPresent(value -> resolved.put(name, Evaluator.scalar(value, site, name)));
        }
        return resolved;
    }

    /**
     * {@code LoggingConfig} (merged with {@code Globals} per key, as SAM merges), checked as the
     * Lambda API checks it: values are case-sensitive, and log levels need the JSON format.
     */
    private static LoggingSettings logging(PropertyMap properties) {
        var config = properties.map("LoggingConfig");
        if (config.isEmpty()) {
            return LoggingSettings.LAMBDA_DEFAULTS;
        }
        var logging = config.get();
        for (var key : logging.keys()) {
            if (!LOGGING_CONFIG_PROPERTIES.contains(String.valueOf(key))) {
                throw logging.site(String.valueOf(key)).problem("is not a LoggingConfig property (" + String.join(", ",
                        LOGGING_CONFIG_PROPERTIES) + ")");
            }
        }
        var format = logging.string("LogFormat").map(written -> switch (written) {
            case "JSON" -> LoggingSettings.Format.JSON;
            case "Text" -> LoggingSettings.Format.TEXT;
            default -> throw logging.site("LogFormat").problem("'" + written + "' is not a log format: write JSON or Text");
        }).orElse(LoggingSettings.Format.TEXT);
        var applicationLevel = level(logging, "ApplicationLogLevel", EnumSet.allOf(LoggingSettings.Level.class));
        // Lambda's own platform lines have fewer levels than the application's.
        var systemLevel = level(logging, "SystemLogLevel",
                EnumSet.of(LoggingSettings.Level.DEBUG, LoggingSettings.Level.INFO, LoggingSettings.Level.WARN));
        if (format != LoggingSettings.Format.JSON && (applicationLevel.isPresent() || systemLevel.isPresent())) {
            var levels = applicationLevel.isPresent() && systemLevel.isPresent() ? "ApplicationLogLevel and SystemLogLevel need"
                    : applicationLevel.isPresent() ? "ApplicationLogLevel needs" : "SystemLogLevel needs";
            throw logging.site().problem(levels + " LogFormat: JSON; Lambda filters log levels only in JSON logs and rejects "
                    + "a level with " + (logging.string("LogFormat").isPresent() ? "LogFormat: Text" : "the default format, Text"));
        }
        var logGroup = logging.string("LogGroup");
        if (logGroup.isPresent() && !LOG_GROUP.matcher(logGroup.get()).matches()) {
            throw logging.site("LogGroup").problem("'" + logGroup.get() + "' is not a valid log group name (1 to 512 letters, "
                    + "digits and . - _ / #)");
        }
        return new LoggingSettings(format, applicationLevel, systemLevel, logGroup);
    }

    private static Optional<LoggingSettings.Level> level(PropertyMap logging, String property, Set<LoggingSettings.Level> valid) {
        return logging.string(property).map(written -> valid.stream()
                .filter(level -> level.name().equals(written))
                .findFirst()
                .orElseThrow(() -> logging.site(property).problem("'" + written + "' is not a log level Lambda takes here ("
                        + String.join(", ", valid.stream().map(Enum::name).toList()) + ")")));
    }

    private List<EventSource> events(PropertyMap properties, int timeoutSeconds) {
        var events = properties.map("Events");
        if (events.isEmpty()) {
            return List.of();
        }
        var sources = new ArrayList<EventSource>();
        for (var key : events.get().keys()) {
            var name = String.valueOf(key);
            var event = events.get().map(name).orElseThrow(() -> events.get().site(name).problem("must be a mapping with a Type"));
            var type = event.string("Type").orElseThrow(() -> event.site().problem("has no Type"));
            var eventProperties = event.map("Properties").orElseGet(() -> new PropertyMap(Map.of(), evaluator, event.site("Properties")));
            switch (type) {
                case "HttpApi" -> sources.add(httpApi(name, eventProperties));
                case "SQS" -> sources.add(sqs(name, eventProperties, timeoutSeconds));
                case "S3" -> sources.add(s3(name, eventProperties));
                default -> LOG.warn("{}: event {} of type {} is not run by the local runtime", properties.site(), name, type);
            }
        }
        return sources;
    }

    private EventSource.HttpApi httpApi(String name, PropertyMap properties) {
        if (properties.written("ApiId")) {
            requireRefTo(properties, "ApiId", StackResources.HTTP_API, "HttpApi event '" + name + "'");
        }
        var path = properties.string("Path");
        var method = properties.string("Method");
        if (path.isEmpty() && method.isEmpty()) {
            // SAM's default route: every request the other routes do not take.
            return new EventSource.HttpApi(name, "ANY", "$default");
        }
        if (path.isEmpty() || method.isEmpty()) {
            throw properties.site().problem("HttpApi event '" + name + "' sets " + (path.isEmpty() ? "Method" : "Path")
                    + " without " + (path.isEmpty() ? "Path" : "Method") + "; set both, or neither for the $default route");
        }
        var upper = method.get().toUpperCase(Locale.ROOT);
        if (upper.equals("X-AMAZON-APIGATEWAY-ANY-METHOD")) {
            upper = "ANY";
        }
        if (!HTTP_METHODS.contains(upper)) {
            throw properties.site("Method").problem("'" + method.get() + "' is not an HTTP method API Gateway routes ("
                    + String.join(", ", HTTP_METHODS.stream().sorted().toList()) + ")");
        }
        if (!path.get().equals("$default") && !path.get().startsWith("/")) {
            throw properties.site("Path").problem("'" + path.get() + "' must start with /");
        }
        return new EventSource.HttpApi(name, path.get().equals("$default") ? "ANY" : upper, path.get());
    }

    private EventSource.Sqs sqs(String name, PropertyMap properties, int timeoutSeconds) {
        var what = "SQS event '" + name + "'";
        var arn = properties.string("Queue").orElseThrow(() -> properties.site().problem(what + " has no Queue"));
        var queueId = resources.findByArn(arn, Set.of(StackResources.QUEUE))
                .orElseThrow(() -> notInTemplate(properties, "Queue", what, arn, StackResources.QUEUE, "queue"));
        var queue = resources.get(queueId);
        var fifo = resources.isFifo(queue);
        var visibility = new PropertyMap(queue.properties(), evaluator, queue.site()).integer("VisibilityTimeout", 30);
        if (visibility < timeoutSeconds) {
            // Lambda refuses the mapping: a batch could become visible again while still being processed.
            throw properties.site("Queue").problem(what + ": queue " + queueId + " has VisibilityTimeout " + visibility
                    + " s, less than the function's Timeout of " + timeoutSeconds + " s; Lambda rejects such a mapping");
        }
        var batchSize = properties.integer("BatchSize", 10, 1, fifo ? 10 : 10_000);
        var window = properties.integer("MaximumBatchingWindowInSeconds", 0, 0, 300);
        if (fifo && window > 0) {
            throw properties.site("MaximumBatchingWindowInSeconds").problem("Lambda does not support a batching window "
                    + "for FIFO queue " + queueId);
        }
        if (batchSize > 10 && window == 0) {
            throw properties.site("BatchSize").problem(batchSize + " is above 10, which Lambda accepts only with "
                    + "MaximumBatchingWindowInSeconds of at least 1");
        }
        var responseTypes = properties.strings("FunctionResponseTypes");
        for (var responseType : responseTypes) {
            if (!responseType.equals("ReportBatchItemFailures")) {
                throw properties.site("FunctionResponseTypes").problem("'" + responseType + "' is not a response type "
                        + "(the only one is ReportBatchItemFailures)");
            }
        }
        var concurrency = OptionalInt.empty();
        var scaling = properties.map("ScalingConfig");
        if (scaling.isPresent() && scaling.get().integer("MaximumConcurrency").isPresent()) {
            concurrency = OptionalInt.of(scaling.get().integer("MaximumConcurrency", 2, 2, 1000));
        }
        return new EventSource.Sqs(name, queueId, batchSize, Duration.ofSeconds(window),
                responseTypes.contains("ReportBatchItemFailures"), concurrency, properties.bool("Enabled", true));
    }

    private EventSource.S3 s3(String name, PropertyMap properties) {
        var what = "S3 event '" + name + "'";
        var bucketId = requireRefTo(properties, "Bucket", StackResources.BUCKET, what);
        var events = properties.strings("Events");
        if (events.isEmpty()) {
            throw properties.site().problem(what + " has no Events (for example s3:ObjectCreated:*)");
        }
        for (var event : events) {
            if (!event.startsWith("s3:")) {
                throw properties.site("Events").problem("'" + event + "' is not an S3 event type (such as s3:ObjectCreated:*)");
            }
        }
        var prefix = "";
        var suffix = "";
        var rules = properties.map("Filter").flatMap(filter -> filter.map("S3Key")).map(key -> key.maps("Rules")).orElse(List.of());
        for (var rule : rules) {
            var ruleName = rule.requiredString("Name");
            var value = rule.requiredString("Value");
            switch (ruleName.toLowerCase(Locale.ROOT)) {
                case "prefix" -> prefix = value;
                case "suffix" -> suffix = value;
                default -> throw rule.site("Name").problem("'" + ruleName + "' is not a filter rule (prefix or suffix)");
            }
        }
        return new EventSource.S3(name, bucketId, events, prefix, suffix);
    }

    /**
     * The logical id a property refers to with {@code !Ref}; SAM requires this form for S3 event
     * buckets and HTTP API ids, so anything else is the mistake SAM reports.
     */
    private String requireRefTo(PropertyMap properties, String key, String type, String what) {
        var raw = properties.raw(key);
        if (raw == null) {
            throw properties.site().problem(what + " has no " + key);
        }
        if (raw instanceof Map<?, ?> map && map.size() == 1 && map.get(Intrinsics.REF) instanceof String target) {
            if (!resources.declares(target)) {
                throw properties.site(key).problem("!Ref " + target + " refers to nothing: no resource is named '" + target + "'");
            }
            var actual = resources.get(target).type();
            if (!actual.equals(type)) {
                throw properties.site(key).problem(what + " refers to " + target + ", which is an " + actual + ", not an " + type);
            }
            if (!resources.present(target)) {
                throw properties.site(key).problem(what + " refers to " + target + ", which is not created: its condition "
                        + resources.get(target).condition().orElseThrow() + " is false");
            }
            return target;
        }
        throw properties.site(key).problem(what + ": " + key + " must be !Ref to an " + type
                + " declared in this template (SAM requires it in the same template)");
    }

    private TemplateException notInTemplate(PropertyMap properties, String key, String what, String arn, String type, String noun) {
        var raw = properties.raw(key);
        if (raw instanceof Map<?, ?> map && map.get(Intrinsics.REF) instanceof String target && resources.declares(target)
                && resources.get(target).type().equals(type)) {
            return properties.site(key).problem(what + " needs the " + noun + "'s ARN: write !GetAtt " + target
                    + ".Arn (!Ref " + target + " gives its " + (type.equals(StackResources.QUEUE) ? "URL" : "name") + ")");
        }
        if (raw instanceof Map<?, ?> map && map.get(Intrinsics.GET_ATT) instanceof List<?> getAtt && !getAtt.isEmpty()
                && getAtt.getFirst() instanceof String target && resources.declares(target)) {
            return properties.site(key).problem(what + " refers to " + target + ", which is an " + resources.get(target).type()
                    + ", not an " + type);
        }
        return properties.site(key).problem(what + ": " + arn + " is not a " + noun + " of this template; the local "
                + "runtime only knows the resources the template declares");
    }

    // ---- asynchronous invocation ---------------------------------------------------------------

    private AsyncConfig asyncConfig(PropertyMap config, String functionId, boolean samTypes) {
        var retries = config.integer("MaximumRetryAttempts", 2, 0, 2);
        var age = config.integer("MaximumEventAgeInSeconds", 21_600, 60, 21_600);
        var destinations = config.map("DestinationConfig");
        var onFailure = destinations.flatMap(d -> d.map("OnFailure")).map(d -> destination(d, functionId, "OnFailure", samTypes));
        var onSuccess = destinations.flatMap(d -> d.map("OnSuccess")).map(d -> destination(d, functionId, "OnSuccess", samTypes));
        return new AsyncConfig(retries, Duration.ofSeconds(age), onFailure, onSuccess);
    }

    private AsyncConfig.Destination destination(PropertyMap destination, String functionId, String kind, boolean samTypes) {
        var arn = destination.string("Destination");
        String type;
        if (samTypes) {
            type = destination.string("Type").orElseThrow(() -> destination.site().problem(
                    "has no Type (SQS, SNS, Lambda, EventBridge or S3)"));
        } else {
            type = arn.map(ApplicationBuilder::typeOfArn).orElseThrow(() -> destination.site().problem("has no Destination"));
        }
        var types = switch (type) {
            case "SQS" -> Set.of(StackResources.QUEUE);
            case "SNS" -> Set.of(StackResources.TOPIC);
            case "Lambda" -> Set.of(StackResources.FUNCTION, StackResources.LAMBDA_FUNCTION);
            case "EventBridge" -> Set.of(StackResources.EVENT_BUS);
            case "S3" -> Set.of(StackResources.BUCKET);
            default -> throw destination.site("Type").problem("'" + type + "' is not a destination type (SQS, SNS, Lambda, EventBridge or S3)");
        };
        String logicalId;
        String destinationArn;
        if (arn.isPresent()) {
            destinationArn = arn.get();
            logicalId = resources.findByArn(destinationArn, types).orElseThrow(() -> destination.site("Destination").problem(
                    destinationArn + " is not a " + type + " destination of this template; the local runtime delivers only "
                            + "to resources the template declares"));
        } else if (type.equals("SQS") || type.equals("SNS")) {
            // SAM creates the queue or topic itself when only the Type is given.
            logicalId = functionId + "EventInvokeConfig" + kind + (type.equals("SQS") ? "Queue" : "Topic");
            destinationArn = type.equals("SQS") ? resources.getAtt(logicalId, "Arn", destination.site())
                    : (String) resources.ref(logicalId, destination.site());
        } else {
            throw destination.site().problem("has no Destination; SAM creates one only for Type SQS or SNS");
        }
        if (type.equals("SQS") && resources.isFifo(resources.get(logicalId))) {
            throw destination.site("Destination").problem(logicalId + " is a FIFO queue; Lambda destinations must be standard queues");
        }
        if (logicalId.equals(functionId) && type.equals("Lambda")) {
            throw destination.site("Destination").problem("a function cannot be its own destination");
        }
        return new AsyncConfig.Destination(type, logicalId, destinationArn);
    }

    private static String typeOfArn(String arn) {
        var parts = arn.split(":", 4);
        var service = parts.length >= 3 ? parts[2] : "";
        return switch (service) {
            case "sqs" -> "SQS";
            case "sns" -> "SNS";
            case "lambda" -> "Lambda";
            case "events" -> "EventBridge";
            case "s3" -> "S3";
            default -> service;
        };
    }

    private void standaloneInvokeConfig(TemplateDocument.Resource resource, Map<String, AsyncConfig> configs) {
        var properties = new PropertyMap(resource.properties(), evaluator, resource.site());
        var functionName = properties.requiredString("FunctionName");
        var functionId = resources.all().values().stream()
                .filter(candidate -> candidate.type().equals(StackResources.FUNCTION) && resources.present(candidate.logicalId()))
                .map(TemplateDocument.Resource::logicalId)
                .filter(candidate -> resources.name(candidate).equals(functionName))
                .findFirst()
                .orElseThrow(() -> properties.site("FunctionName").problem("'" + functionName
                        + "' is not an AWS::Serverless::Function of this template"));
        if (configs.containsKey(functionId)) {
            throw resource.site().problem("function " + functionId + " already has an AWS::Lambda::EventInvokeConfig");
        }
        configs.put(functionId, asyncConfig(properties, functionId, false));
    }

    // ---- tables, queues, buckets ---------------------------------------------------------------

    private TableSpec table(TemplateDocument.Resource resource) {
        var properties = new PropertyMap(resource.properties(), evaluator, resource.site());
        var name = resources.name(resource.logicalId());
        if (!TABLE_NAME.matcher(name).matches()) {
            throw properties.site("TableName").problem("'" + name + "' is not a valid table name (3 to 255 letters, digits, _ . -)");
        }
        var attributeTypes = new LinkedHashMap<String, String>();
        for (var definition : properties.maps("AttributeDefinitions")) {
            var type = definition.requiredString("AttributeType");
            if (!Set.of("S", "N", "B").contains(type)) {
                throw definition.site("AttributeType").problem("'" + type + "' is not S, N or B");
            }
            attributeTypes.put(definition.requiredString("AttributeName"), type);
        }
        var used = new LinkedHashSet<String>();
        var key = key(properties, "KeySchema", attributeTypes, used);
        var indexes = new ArrayList<TableSpec.Index>();
        for (var index : properties.maps("GlobalSecondaryIndexes")) {
            var projection = index.map("Projection").orElseThrow(() -> index.site().problem("has no Projection"));
            var projectionType = projection.string("ProjectionType").orElse("KEYS_ONLY");
            if (!Set.of("ALL", "KEYS_ONLY", "INCLUDE").contains(projectionType)) {
                throw projection.site("ProjectionType").problem("'" + projectionType + "' is not ALL, KEYS_ONLY or INCLUDE");
            }
            indexes.add(new TableSpec.Index(index.requiredString("IndexName"), key(index, "KeySchema", attributeTypes, used),
                    projectionType, projection.strings("NonKeyAttributes")));
        }
        for (var index : properties.maps("LocalSecondaryIndexes")) {
            key(index, "KeySchema", attributeTypes, used);
            LOG.warn("{}: local secondary index {} is not created locally", resource.site(), index.string("IndexName").orElse("?"));
        }
        var unused = new LinkedHashSet<>(attributeTypes.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw properties.site("AttributeDefinitions").problem("defines " + String.join(", ", unused)
                    + ", which no key schema uses; DynamoDB rejects attribute definitions that are not keys");
        }
        var ttl = properties.map("TimeToLiveSpecification")
                .filter(spec -> spec.bool("Enabled", false))
                .map(spec -> spec.requiredString("AttributeName"));
        return new TableSpec(resource.logicalId(), name, attributeTypes, key, indexes, ttl);
    }

    private static TableSpec.Key key(PropertyMap properties, String property, Map<String, String> attributeTypes, Set<String> used) {
        String hash = null;
        String range = null;
        var elements = properties.maps(property);
        if (elements.isEmpty()) {
            throw properties.site().problem("has no " + property);
        }
        for (var element : elements) {
            var attribute = element.requiredString("AttributeName");
            if (!attributeTypes.containsKey(attribute)) {
                throw element.site("AttributeName").problem("key attribute '" + attribute + "' is not in AttributeDefinitions");
            }
            used.add(attribute);
            switch (element.requiredString("KeyType")) {
                case "HASH" -> {
                    if (hash != null) {
                        throw properties.site(property).problem("has two HASH keys");
                    }
                    hash = attribute;
                }
                case "RANGE" -> {
                    if (range != null) {
                        throw properties.site(property).problem("has two RANGE keys");
                    }
                    range = attribute;
                }
                default -> throw element.site("KeyType").problem("must be HASH or RANGE");
            }
        }
        if (hash == null) {
            throw properties.site(property).problem("has no HASH key");
        }
        return new TableSpec.Key(hash, Optional.ofNullable(range));
    }

    private TableSpec simpleTable(TemplateDocument.Resource resource) {
        var properties = new PropertyMap(resource.properties(), evaluator, resource.site());
        var primaryKey = properties.map("PrimaryKey");
        var keyName = primaryKey.flatMap(key -> key.string("Name")).orElse("id");
        var keyType = primaryKey.flatMap(key -> key.string("Type")).orElse("String");
        var attributeType = switch (keyType) {
            case "String" -> "S";
            case "Number" -> "N";
            case "Binary" -> "B";
            default -> throw properties.site("PrimaryKey.Type").problem("'" + keyType + "' is not String, Number or Binary");
        };
        return new TableSpec(resource.logicalId(), resources.name(resource.logicalId()), Map.of(keyName, attributeType),
                new TableSpec.Key(keyName, Optional.empty()), List.of(), Optional.empty());
    }

    private QueueSpec queue(TemplateDocument.Resource resource) {
        var properties = new PropertyMap(resource.properties(), evaluator, resource.site());
        var name = resources.name(resource.logicalId());
        var fifo = properties.bool("FifoQueue", false);
        if (!QUEUE_NAME.matcher(name).matches()) {
            throw properties.site("QueueName").problem("'" + name + "' is not a valid queue name (letters, digits, - and _, "
                    + "at most 80 with .fifo)");
        }
        if (fifo != name.endsWith(".fifo")) {
            throw properties.site("QueueName").problem(fifo ? "'" + name + "' must end in .fifo: it is a FIFO queue"
                    : "'" + name + "' ends in .fifo, which only FIFO queues may (set FifoQueue: true)");
        }
        var contentBased = properties.bool("ContentBasedDeduplication", false);
        if (contentBased && !fifo) {
            throw properties.site("ContentBasedDeduplication").problem("applies only to FIFO queues (set FifoQueue: true)");
        }
        var visibility = properties.integer("VisibilityTimeout", 30, 0, 43_200);
        var retention = properties.integer("MessageRetentionPeriod", 345_600, 60, 1_209_600);
        var redrive = redrive(properties, fifo);
        return new QueueSpec(resource.logicalId(), name, fifo, contentBased, Duration.ofSeconds(visibility),
                Duration.ofSeconds(retention), redrive);
    }

    private Optional<QueueSpec.Redrive> redrive(PropertyMap properties, boolean fifo) {
        var value = properties.value("RedrivePolicy");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        var site = properties.site("RedrivePolicy");
        Map<?, ?> policy;
        if (value.get() instanceof Map<?, ?> map) {
            policy = map;
        } else if (value.get() instanceof String json) {
            try {
                policy = Json.read(json, Map.class);
            } catch (InvalidJsonException e) {
                throw site.problem("is not a JSON object");
            }
        } else {
            throw site.problem("must be a mapping with deadLetterTargetArn and maxReceiveCount");
        }
        var redrive = new PropertyMap(policy, evaluator, site);
        var arn = redrive.string("deadLetterTargetArn").orElseThrow(() -> site.problem("has no deadLetterTargetArn"));
        var dlq = resources.findByArn(arn, Set.of(StackResources.QUEUE))
                .orElseThrow(() -> notInTemplate(redrive, "deadLetterTargetArn", "RedrivePolicy", arn, StackResources.QUEUE, "queue"));
        if (!redrive.written("maxReceiveCount")) {
            throw site.problem("has no maxReceiveCount");
        }
        var maxReceiveCount = redrive.integer("maxReceiveCount", 1, 1, 1000);
        if (resources.isFifo(resources.get(dlq)) != fifo) {
            throw site.child("deadLetterTargetArn").problem("dead-letter queue " + dlq + " must be "
                    + (fifo ? "a FIFO queue, as this queue is" : "a standard queue, as this queue is"));
        }
        return Optional.of(new QueueSpec.Redrive(dlq, maxReceiveCount));
    }

    private BucketSpec bucket(TemplateDocument.Resource resource) {
        var properties = new PropertyMap(resource.properties(), evaluator, resource.site());
        var name = resources.name(resource.logicalId());
        if (!BUCKET_NAME.matcher(name).matches() || name.contains("..")) {
            throw properties.site("BucketName").problem("'" + name + "' is not a valid bucket name (3 to 63 lower-case "
                    + "letters, digits, dots and hyphens)");
        }
        var versioned = properties.map("VersioningConfiguration")
                .flatMap(versioning -> versioning.string("Status"))
                .filter("Enabled"::equals)
                .isPresent();
        return new BucketSpec(resource.logicalId(), name, versioned);
    }

    // ---- secrets --------------------------------------------------------------------------------

    /**
     * A secret's local value: its {@code SecretString}; for {@code GenerateSecretString}, which
     * CloudFormation fills with random characters, a value a developer can type —
     * {@code local-<kebab-case-logical-id>} — so that README commands (signing a webhook, say)
     * work as written; inside the {@code SecretStringTemplate} under {@code GenerateStringKey}
     * when those are given. {@code --secret LogicalId=value} replaces it at startup.
     */
    private SecretSpec secret(TemplateDocument.Resource resource) {
        var properties = new PropertyMap(resource.properties(), evaluator, resource.site());
        var name = resources.name(resource.logicalId());
        if (!SECRET_NAME.matcher(name).matches()) {
            throw properties.site("Name").problem("'" + name + "' is not a valid secret name (1 to 512 letters, digits "
                    + "and / _ + = . @ -)");
        }
        var given = properties.string("SecretString");
        var generate = properties.map("GenerateSecretString");
        if (given.isPresent() && generate.isPresent()) {
            throw properties.site().problem("has both SecretString and GenerateSecretString; CloudFormation takes one");
        }
        if (given.isPresent()) {
            return new SecretSpec(resource.logicalId(), name, given.get());
        }
        var value = defaultSecretValue(resource.logicalId());
        if (generate.isPresent()) {
            var template = generate.get().string("SecretStringTemplate");
            var key = generate.get().string("GenerateStringKey");
            if (template.isPresent() != key.isPresent()) {
                throw generate.get().site(template.isPresent() ? "SecretStringTemplate" : "GenerateStringKey").problem(
                        "needs " + (template.isPresent() ? "GenerateStringKey" : "SecretStringTemplate") + " as well; "
                                + "Secrets Manager takes the two together");
            }
            if (template.isPresent()) {
                value = withGeneratedKey(template.get(), key.get(), value, generate.get().site("SecretStringTemplate"));
            }
        }
        return new SecretSpec(resource.logicalId(), name, value);
    }

    /** {@code GitHubWebhookSecret} → {@code local-github-webhook-secret}. */
    static String defaultSecretValue(String logicalId) {
        var words = logicalId;
        for (var word : ONE_WORD) {
            words = words.replace(word, word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT));
        }
        // A break before a capital that follows a small letter or digit, and inside a run of
        // capitals before its last one (APIToken → API-Token).
        return "local-" + String.join("-", words.split("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")).toLowerCase(Locale.ROOT);
    }

    private static String withGeneratedKey(String template, String key, String value, Site site) {
        Map<String, Object> json;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = Json.read(template, LinkedHashMap.class);
            json = parsed;
        } catch (InvalidJsonException e) {
            throw site.problem("is not a JSON object: " + e.getMessage());
        }
        if (json == null) {
            throw site.problem("is not a JSON object");
        }
        json.put(key, value);
        return Json.write(json);
    }

    // ---- checks across resources ---------------------------------------------------------------

    private void checkRoutes(FunctionSpec function, TemplateDocument.Resource resource, Map<String, String> routes) {
        for (var event : function.events()) {
            if (event instanceof EventSource.HttpApi route) {
                var key = route.method() + " " + route.path();
                var owner = function.logicalId() + " (event " + route.name() + ")";
                var previous = routes.putIfAbsent(key, owner);
                if (previous != null) {
                    problems.add(resource.site().child("Events." + route.name()).describe() + ": route " + key
                            + " is already declared by " + previous);
                }
            }
        }
    }

    private <T> void checkUniqueNames(String kind, Map<String, T> specs, java.util.function.Function<T, String> name) {
        var owners = new HashMap<String, String>();
        specs.forEach((id, spec) -> {
            var previous = owners.putIfAbsent(name.apply(spec), id);
            if (previous != null) {
                problems.add(id + ": " + kind + " name '" + name.apply(spec) + "' is also the name of " + previous);
            }
        });
    }

    /** S3 refuses two notification configurations of one bucket that share an event type and overlap in keys. */
    private void checkS3Overlaps(Map<String, FunctionSpec> functions) {
        record Subscription(String owner, EventSource.S3 event) {}
        var byBucket = new LinkedHashMap<String, List<Subscription>>();
        functions.values().forEach(function -> function.events().forEach(event -> {
            if (event instanceof EventSource.S3 s3) {
                byBucket.computeIfAbsent(s3.bucketLogicalId(), ignored -> new ArrayList<>())
                        .add(new Subscription(function.logicalId() + " (event " + s3.name() + ")", s3));
            }
        }));
        byBucket.forEach((bucket, subscriptions) -> {
            for (int i = 0; i < subscriptions.size(); i++) {
                for (int j = i + 1; j < subscriptions.size(); j++) {
                    var a = subscriptions.get(i).event();
                    var b = subscriptions.get(j).event();
                    var keysOverlap = (a.prefix().startsWith(b.prefix()) || b.prefix().startsWith(a.prefix()))
                            && (a.suffix().endsWith(b.suffix()) || b.suffix().endsWith(a.suffix()));
                    var typesOverlap = a.events().stream().anyMatch(x -> b.events().stream().anyMatch(y -> eventTypesOverlap(x, y)));
                    if (keysOverlap && typesOverlap) {
                        problems.add(subscriptions.get(j).owner() + ": its S3 notification on " + bucket + " overlaps "
                                + subscriptions.get(i).owner() + " (same event type, overlapping prefix and suffix); "
                                + "S3 rejects overlapping configurations on one bucket");
                    }
                }
            }
        });
    }

    private static boolean eventTypesOverlap(String a, String b) {
        return a.equals(b) || (a.endsWith("*") && b.startsWith(a.substring(0, a.length() - 1)))
                || (b.endsWith("*") && a.startsWith(b.substring(0, b.length() - 1)));
    }

    /** Runs one step, recording its template problem instead of stopping, so one run reports them all. */
    private <T> T attempt(Supplier<T> step) {
        try {
            return step.get();
        } catch (TemplateException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
