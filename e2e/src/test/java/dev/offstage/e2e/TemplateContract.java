package dev.offstage.e2e;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.offstage.local.lambda.FunctionSetupException;
import dev.offstage.local.lambda.LambdaService;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.template.Templates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * What {@code template.yaml} must promise beyond what its schema checks (issue 7): each check
 * returns the problems it finds, each naming the resource, and an empty list when the template
 * keeps the promise. The template is read twice with the local runtime's own reader: as written
 * ({@link Templates#source}, for alarms, policies, encryption) and resolved
 * ({@link Templates#load}, for handlers, environments and timeouts with parameter defaults and
 * {@code Globals} applied).
 */
final class TemplateContract {

    static final String FUNCTION = "AWS::Serverless::Function";
    static final String QUEUE = "AWS::SQS::Queue";
    static final String TOPIC = "AWS::SNS::Topic";
    static final String BUCKET = "AWS::S3::Bucket";
    static final String BUCKET_POLICY = "AWS::S3::BucketPolicy";
    static final String TABLE = "AWS::DynamoDB::Table";
    static final String ALARM = "AWS::CloudWatch::Alarm";

    /** SAM event types Lambda invokes asynchronously: retries and failures follow EventInvokeConfig. */
    static final Set<String> ASYNC_EVENTS = Set.of("S3", "SNS", "EventBridgeRule", "CloudWatchEvent", "Schedule",
            "ScheduleV2", "CloudWatchLogs", "IoTRule", "AlexaSkill", "Cognito");

    /** How the exceptions table names a grant of every function. */
    static final Set<String> EVERY_FUNCTION = Set.of("every function", "all functions", "*");

    /** Variables that something other than the function's code reads: the JVM itself. */
    static final Set<String> READ_BY_THE_PLATFORM = Set.of("JAVA_TOOL_OPTIONS", "JAVA_OPTS");

    private static final Pattern SUB_REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9]+)(?:\\.[A-Za-z0-9.]+)?}");

    /** One grant of a {@code *} resource: by a function (or role), of an action or a whole policy. */
    record WildcardGrant(String grantee, String action) {
        @Override
        public String toString() {
            return grantee + " | " + action;
        }
    }

    private final Path template;
    private final Map<String, Map<String, Object>> resources;
    private final Application application;
    private final Set<WildcardGrant> documentedExceptions;
    private final Optional<String> exceptionsProblem;

    private TemplateContract(Path template, Map<String, Map<String, Object>> resources, Application application,
            Set<WildcardGrant> documentedExceptions, Optional<String> exceptionsProblem) {
        this.template = template;
        this.resources = resources;
        this.application = application;
        this.documentedExceptions = documentedExceptions;
        this.exceptionsProblem = exceptionsProblem;
    }

    /**
     * Reads a template and the IAM exceptions table of an operations page.
     *
     * @param operationsDoc the page with a {@code ## IAM exceptions} table {@code Function | Action | Why}
     * @throws dev.offstage.local.template.TemplateException when the template does not load at all
     */
    @SuppressWarnings("unchecked")
    static TemplateContract read(Path templateYaml, Path operationsDoc) {
        String text;
        try {
            text = Files.readString(templateYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var source = Templates.source(text);
        var resources = new LinkedHashMap<String, Map<String, Object>>();
        ((Map<String, Object>) source.get("Resources")).forEach((id, body) -> resources.put(id, (Map<String, Object>) body));
        var application = Templates.load(templateYaml, Map.of(),
                LocalNaming.of("contract", URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:2")));
        var exceptions = new LinkedHashSet<WildcardGrant>();
        var problem = IamExceptions.read(operationsDoc, exceptions);
        return new TemplateContract(templateYaml, resources, application, exceptions, problem);
    }

    // ---------------------------------------------------------------------------------------------
    // Handlers

    /**
     * Every function's handler class is compiled in the module its {@code CodeUri} names (its
     * {@code target/classes}), implements {@code RequestHandler} or {@code RequestStreamHandler},
     * and takes the event type of each of its triggers (the local runtime's own check).
     */
    List<String> handlersLiveInTheirModuleAndTakeTheirTriggersEvents() {
        var problems = new ArrayList<String>();
        try (var lambda = LambdaService.create(application, Map.of(), LambdaSettings.defaults())) {
            for (var function : functions()) {
                var className = className(function.handler());
                var classFile = function.codeUri().resolve("target/classes").resolve(className.replace('.', '/') + ".class");
                if (!Files.isRegularFile(classFile)) {
                    problems.add(function.logicalId() + ": handler class " + className + " is not compiled in its CodeUri's module ("
                            + relative(function.codeUri().resolve("target/classes")) + ")");
                    continue;
                }
                // The module's classes over this class path, which holds the Lambda interfaces to compare with.
                try (var loader = new URLClassLoader(new URL[] {function.codeUri().resolve("target/classes").toUri().toURL()},
                        getClass().getClassLoader())) {
                    var signature = lambda.handlerSignature(function.logicalId());
                    var type = Class.forName(className, false, loader);
                    if (!RequestHandler.class.isAssignableFrom(type) && !RequestStreamHandler.class.isAssignableFrom(type)) {
                        problems.add(function.logicalId() + ": handler class " + className
                                + " implements neither RequestHandler nor RequestStreamHandler");
                    }
                    for (var event : function.events()) {
                        signature.mismatch(event).ifPresent(message -> problems.add(function.logicalId() + ": " + message));
                    }
                } catch (FunctionSetupException e) {
                    e.problems().forEach(problem -> problems.add(problem.toString()));
                } catch (ClassNotFoundException | LinkageError e) {
                    problems.add(function.logicalId() + ": handler class " + className + " cannot be loaded: " + e);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------
    // Environment

    /**
     * Every variable a function's code {@code require}s is set for it (its {@code Environment} or
     * {@code Globals}), and every variable the template sets is read by some code of the
     * function's module or the toolkit (a typo sets one nobody reads). See {@link EnvironmentReads}
     * for how the reads are found.
     */
    List<String> environmentVariablesTheCodeReadsAreSet() {
        var problems = new ArrayList<String>();
        var readers = new HashMap<Path, EnvironmentReads>();
        var everyRead = new HashMap<Path, Set<String>>();
        for (var function : functions()) {
            var reads = readers.computeIfAbsent(function.codeUri(), TemplateContract::readsOf);
            var set = function.environment().keySet();
            var missing = new TreeSet<String>();
            for (var read : reads.reachableFrom(className(function.handler()))) {
                if (read.required() && !set.contains(read.variable()) && !setByLambda(read.variable())
                        && missing.add(read.variable())) {
                    problems.add(function.logicalId() + ": its code requires environment variable " + read.variable()
                            + " (" + read.where() + "), which the template does not set");
                }
            }
            var known = everyRead.computeIfAbsent(function.codeUri(), uri -> {
                var names = new TreeSet<String>();
                reads.all().forEach(read -> names.add(read.variable()));
                return names;
            });
            for (var variable : new TreeSet<>(set)) {
                if (!known.contains(variable) && !READ_BY_THE_PLATFORM.contains(variable) && !setByLambda(variable)) {
                    problems.add(function.logicalId() + ": environment variable " + variable
                            + " is set, but no code of " + relative(function.codeUri()) + " or the toolkit reads it");
                }
            }
        }
        return problems;
    }

    /** The variables the code reachable from a function's handler {@code require}s, sorted. */
    Set<String> variablesRequiredBy(String functionLogicalId) {
        var function = application.functions().get(functionLogicalId);
        var required = new TreeSet<String>();
        readsOf(function.codeUri()).reachableFrom(className(function.handler())).stream()
                .filter(EnvironmentReads.Read::required).forEach(read -> required.add(read.variable()));
        return required;
    }

    private static EnvironmentReads readsOf(Path codeUri) {
        // The module's classes and the toolkit's, from the module's lambda class path.
        var directories = new ArrayList<Path>();
        directories.add(codeUri.resolve("target/classes"));
        var classpath = codeUri.resolve("target/lambda-classpath.txt");
        if (Files.isRegularFile(classpath)) {
            try {
                for (var entry : Files.readString(classpath).split("[\\r\\n" + Pattern.quote(java.io.File.pathSeparator) + "]+")) {
                    var path = codeUri.resolve(entry.strip());
                    if (entry.isBlank()) {
                        continue;
                    }
                    if (Files.isDirectory(path)) {
                        directories.add(path);
                    } else if (path.getFileName().toString().startsWith("offstage-") && Files.isRegularFile(path)) {
                        // The toolkit, as the reactor hands it over after packaging.
                        directories.add(FileSystems.newFileSystem(path).getPath("/"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new EnvironmentReads(directories.stream().filter(Files::isDirectory).toList());
    }

    /** Lambda's own variables and the ones its runtime and the AWS SDK read ({@code AWS_LAMBDA_EXEC_WRAPPER}...). */
    private static boolean setByLambda(String variable) {
        return FunctionSpec.RESERVED_VARIABLES.contains(variable) || variable.startsWith("AWS_");
    }

    // ---------------------------------------------------------------------------------------------
    // Queues

    /**
     * Every queue has a {@code RedrivePolicy} to a dead-letter queue of the template, or is itself
     * one: the target of a {@code RedrivePolicy} or of a function's on-failure destination.
     */
    List<String> everyQueueHasADeadLetterQueueOrIsOne() {
        var problems = new ArrayList<String>();
        var deadLetterQueues = deadLetterQueues();
        for (var queue : idsOf(QUEUE)) {
            var redrive = properties(queue).get("RedrivePolicy");
            if (redrive == null) {
                if (!deadLetterQueues.contains(queue)) {
                    problems.add(queue + ": has no RedrivePolicy and is no dead-letter queue (no RedrivePolicy or"
                            + " OnFailure destination targets it)");
                }
                continue;
            }
            var target = redrive instanceof Map<?, ?> policy ? referencedId(policy.get("deadLetterTargetArn")) : Optional.<String>empty();
            if (target.isEmpty() || !QUEUE.equals(typeOf(target.get()))) {
                problems.add(queue + ": RedrivePolicy.deadLetterTargetArn must be !GetAtt <a queue of the template>.Arn");
            }
        }
        return problems;
    }

    /** Every queue, dead-letter queues included, is watched by an alarm on an AWS/SQS metric. */
    List<String> everyQueueHasAnAlarm() {
        var watched = new LinkedHashSet<String>();
        for (var metric : alarmMetrics()) {
            if (metric.namespace().equals("AWS/SQS")) {
                metric.queue().ifPresent(watched::add);
            }
        }
        var problems = new ArrayList<String>();
        for (var queue : idsOf(QUEUE)) {
            if (!watched.contains(queue)) {
                problems.add(queue + ": no AWS::CloudWatch::Alarm watches it (an AWS/SQS metric with dimension"
                        + " QueueName: !GetAtt " + queue + ".QueueName)");
            }
        }
        return problems;
    }

    /** A message waits six times its consumer's timeout before it is retried, as Lambda advises. */
    List<String> visibilityTimeoutsAreSixTimesTheConsumersTimeout() {
        var problems = new ArrayList<String>();
        for (var function : functions()) {
            for (var event : function.events()) {
                if (event instanceof EventSource.Sqs sqs) {
                    var queue = application.queues().get(sqs.queueLogicalId());
                    if (queue == null) {
                        continue;
                    }
                    var visibility = queue.visibilityTimeout().toSeconds();
                    var timeout = function.timeout().toSeconds();
                    if (visibility < 6 * timeout) {
                        problems.add(queue.logicalId() + ": VisibilityTimeout " + visibility + " s is less than 6 × "
                                + function.logicalId() + "'s Timeout (" + timeout + " s) = " + 6 * timeout + " s");
                    }
                }
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------
    // Functions

    /** Every function has an alarm on its AWS/Lambda Errors and one on its Throttles. */
    List<String> everyFunctionHasErrorsAndThrottlesAlarms() {
        var errors = new LinkedHashSet<String>();
        var throttles = new LinkedHashSet<String>();
        for (var metric : alarmMetrics()) {
            if (metric.namespace().equals("AWS/Lambda")) {
                var function = metric.function();
                if (metric.name().equals("Errors")) {
                    function.ifPresent(errors::add);
                } else if (metric.name().equals("Throttles")) {
                    function.ifPresent(throttles::add);
                }
            }
        }
        var problems = new ArrayList<String>();
        for (var function : idsOf(FUNCTION)) {
            if (!errors.contains(function)) {
                problems.add(function + ": no alarm on AWS/Lambda Errors with dimension FunctionName: !Ref " + function);
            }
            if (!throttles.contains(function)) {
                problems.add(function + ": no alarm on AWS/Lambda Throttles with dimension FunctionName: !Ref " + function);
            }
        }
        return problems;
    }

    /**
     * Every function triggered asynchronously (S3, SNS, EventBridge...) says how often Lambda
     * retries an event and where one goes when every retry failed.
     */
    List<String> asyncInvocationsHaveRetriesAndAnOnFailureDestination() {
        var problems = new ArrayList<String>();
        for (var function : idsOf(FUNCTION)) {
            var properties = properties(function);
            var async = map(properties.get("Events")).entrySet().stream()
                    .filter(event -> ASYNC_EVENTS.contains(String.valueOf(map(event.getValue()).get("Type"))))
                    .map(event -> map(event.getValue()).get("Type") + " event " + event.getKey())
                    .toList();
            if (async.isEmpty()) {
                continue;
            }
            var config = map(properties.get("EventInvokeConfig"));
            if (!config.containsKey("MaximumRetryAttempts")) {
                problems.add(function + ": triggered asynchronously (" + String.join(", ", async)
                        + ") but sets no EventInvokeConfig.MaximumRetryAttempts");
            }
            if (!map(map(config.get("DestinationConfig")).get("OnFailure")).containsKey("Destination")) {
                problems.add(function + ": triggered asynchronously (" + String.join(", ", async)
                        + ") but has no EventInvokeConfig.DestinationConfig.OnFailure destination");
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------
    // IAM

    private static final String SQS_EVENT_POLICY = "AWSLambdaSQSQueueExecutionRole";
    private static final List<String> SQS_EVENT_ACTIONS = List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
            "sqs:GetQueueAttributes");

    /**
     * No policy grants a {@code *} resource — an inline statement with {@code Resource: "*"}, a
     * SAM policy template that takes no resource (SAM's parameterless templates are the
     * account-wide ones: CloudWatchPutMetricPolicy, EC2DescribePolicy...), a managed policy — unless
     * the operations page's IAM exceptions table lists it; and every exception listed is used.
     *
     * <p>What SAM attaches to every function by itself (AWSLambdaBasicExecutionRole for logs, and
     * AWSXrayWriteOnlyAccess with {@code Tracing: Active}) need not be listed, but may be — by
     * policy or action, for a function or for "every function" — without counting as unused.
     */
    List<String> wildcardGrantsAreTheDocumentedExceptions() {
        var problems = new ArrayList<String>();
        exceptionsProblem.ifPresent(problems::add);
        var documented = new LinkedHashSet<WildcardGrant>();
        for (var exception : documentedExceptions) {
            if (EVERY_FUNCTION.contains(exception.grantee().toLowerCase(Locale.ROOT))) {
                idsOf(FUNCTION).forEach(function -> documented.add(new WildcardGrant(function, exception.action())));
            } else {
                documented.add(exception);
            }
        }
        var grants = wildcardGrants();
        grants.addAll(sqsEventGrants());
        for (var grant : grants) {
            if (!documented.contains(grant)) {
                problems.add(grant.grantee() + ": grants " + grant.action() + " on Resource \"*\", which is not in the"
                        + " IAM exceptions table of docs/operations.md (Function | Action | Why)");
            }
        }
        var granted = new LinkedHashSet<>(grants);
        granted.addAll(implicitGrants());
        granted.addAll(everyGrant());
        for (var exception : documentedExceptions) {
            var used = EVERY_FUNCTION.contains(exception.grantee().toLowerCase(Locale.ROOT))
                    ? granted.stream().anyMatch(grant -> grant.action().equals(exception.action()))
                    : granted.contains(exception);
            if (!used) {
                problems.add("docs/operations.md lists the IAM exception " + exception.grantee() + " | "
                        + exception.action() + ", but the template grants no such thing");
            }
        }
        return problems;
    }

    /**
     * Every action granted anywhere, on any resource: by functions' policies (each action, each
     * policy template or managed policy by name) and by resource policies (a KMS key's, a bucket's)
     * under the logical id of the resource they protect or are. A documented exception must name
     * one of these — the table may explain grants narrower than {@code *} too.
     */
    private Set<WildcardGrant> everyGrant() {
        var grants = new LinkedHashSet<WildcardGrant>();
        for (var function : idsOf(FUNCTION)) {
            for (var policy : list(properties(function).get("Policies"))) {
                switch (policy) {
                    case String managed -> grants.add(new WildcardGrant(function, managed));
                    case Map<?, ?> document when document.containsKey("Statement") ->
                            list(document.get("Statement")).forEach(statement -> list(map(statement).get("Action"))
                                    .forEach(action -> grants.add(new WildcardGrant(function, String.valueOf(action)))));
                    case Map<?, ?> sam -> sam.keySet().forEach(name -> grants.add(new WildcardGrant(function, String.valueOf(name))));
                    default -> {}
                }
            }
        }
        for (var id : resources.keySet()) {
            var properties = properties(id);
            var document = properties.containsKey("KeyPolicy") ? properties.get("KeyPolicy") : properties.get("PolicyDocument");
            var protectedId = typeOf(id).equals(BUCKET_POLICY) ? referencedId(properties.get("Bucket")).orElse(id) : id;
            list(map(document).get("Statement")).forEach(statement -> list(map(statement).get("Action")).forEach(action -> {
                grants.add(new WildcardGrant(id, String.valueOf(action)));
                grants.add(new WildcardGrant(protectedId, String.valueOf(action)));
            }));
        }
        return grants;
    }

    /** What SAM attaches to a function's role without a word in its Policies, by policy and by action. */
    private Set<WildcardGrant> implicitGrants() {
        var grants = new LinkedHashSet<WildcardGrant>();
        for (var function : idsOf(FUNCTION)) {
            var implicit = new ArrayList<>(List.of("AWSLambdaBasicExecutionRole", "logs:CreateLogGroup", "logs:CreateLogStream",
                    "logs:PutLogEvents"));
            if ("Active".equals(properties(function).get("Tracing"))) {
                implicit.addAll(List.of("AWSXrayWriteOnlyAccess", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                        "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"));
            }
            implicit.forEach(action -> grants.add(new WildcardGrant(function, action)));
            if (!sqsEventGrants(function).isEmpty()) {
                grants.add(new WildcardGrant(function, SQS_EVENT_POLICY));
            }
        }
        return grants;
    }

    /**
     * What an SQS event source makes SAM attach: the AWSLambdaSQSQueueExecutionRole managed
     * policy, whose queue actions are on {@code *}. Unlike the logs and X-Ray grants these reach
     * other queues' messages (any queue in the account, dead-letter queues included), so they
     * must be in the exceptions table.
     */
    private Set<WildcardGrant> sqsEventGrants() {
        var grants = new LinkedHashSet<WildcardGrant>();
        idsOf(FUNCTION).forEach(function -> grants.addAll(sqsEventGrants(function)));
        return grants;
    }

    private Set<WildcardGrant> sqsEventGrants(String function) {
        var events = map(properties(function).get("Events"));
        var hasSqsEvent = events.values().stream().anyMatch(event -> "SQS".equals(map(event).get("Type")));
        var grants = new LinkedHashSet<WildcardGrant>();
        if (hasSqsEvent) {
            SQS_EVENT_ACTIONS.forEach(action -> grants.add(new WildcardGrant(function, action)));
        }
        return grants;
    }

    Set<WildcardGrant> wildcardGrants() {
        var grants = new LinkedHashSet<WildcardGrant>();
        for (var function : idsOf(FUNCTION)) {
            var policies = properties(function).get("Policies");
            for (var policy : policies instanceof List<?> list ? list : policies == null ? List.of() : List.of(policies)) {
                switch (policy) {
                    case String managed -> grants.add(new WildcardGrant(function, managed));
                    case Map<?, ?> document when document.containsKey("Statement") ->
                            statementGrants(function, document.get("Statement"), grants);
                    case Map<?, ?> sam when sam.size() == 1 -> {
                        var argument = sam.values().iterator().next();
                        if (argument == null || argument instanceof Map<?, ?> arguments && arguments.isEmpty()) {
                            grants.add(new WildcardGrant(function, String.valueOf(sam.keySet().iterator().next())));
                        }
                    }
                    default -> {}
                }
            }
        }
        // Roles and policies written as CloudFormation resources.
        for (var id : resources.keySet()) {
            var type = typeOf(id);
            if (type.equals("AWS::IAM::Role")) {
                for (var policy : list(properties(id).get("Policies"))) {
                    statementGrants(id, map(map(policy).get("PolicyDocument")).get("Statement"), grants);
                }
                list(properties(id).get("ManagedPolicyArns")).forEach(arn -> grants.add(new WildcardGrant(id, describe(arn))));
            } else if (type.equals("AWS::IAM::Policy") || type.equals("AWS::IAM::ManagedPolicy")) {
                statementGrants(id, map(properties(id).get("PolicyDocument")).get("Statement"), grants);
            }
        }
        return grants;
    }

    private static void statementGrants(String grantee, Object statements, Set<WildcardGrant> grants) {
        for (var statement : statements instanceof List<?> list ? list : statements == null ? List.of() : List.of(statements)) {
            var body = map(statement);
            if ("Deny".equals(body.get("Effect"))) {
                continue;
            }
            var resource = body.get("Resource");
            var wildcard = "*".equals(resource) || resource instanceof List<?> list && list.contains("*");
            if (wildcard) {
                list(body.get("Action")).forEach(action -> grants.add(new WildcardGrant(grantee, String.valueOf(action))));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Data at rest and in transit

    /**
     * Every queue and topic is encrypted; every bucket blocks public access, is encrypted and has a
     * policy denying requests without TLS; every table is on-demand with a TTL attribute.
     */
    List<String> storageIsEncryptedPrivateAndBounded() {
        var problems = new ArrayList<String>();
        for (var queue : idsOf(QUEUE)) {
            var properties = properties(queue);
            if (!isTrue(properties.get("SqsManagedSseEnabled")) && !properties.containsKey("KmsMasterKeyId")) {
                problems.add(queue + ": not encrypted (SqsManagedSseEnabled: true or KmsMasterKeyId)");
            }
        }
        for (var topic : idsOf(TOPIC)) {
            if (!properties(topic).containsKey("KmsMasterKeyId")) {
                problems.add(topic + ": not encrypted (KmsMasterKeyId, e.g. alias/aws/sns)");
            }
        }
        var tlsOnly = tlsOnlyBuckets();
        for (var bucket : idsOf(BUCKET)) {
            var properties = properties(bucket);
            var block = map(properties.get("PublicAccessBlockConfiguration"));
            for (var flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                if (!isTrue(block.get(flag))) {
                    problems.add(bucket + ": PublicAccessBlockConfiguration." + flag + " is not true");
                }
            }
            if (list(map(properties.get("BucketEncryption")).get("ServerSideEncryptionConfiguration")).isEmpty()) {
                problems.add(bucket + ": no BucketEncryption.ServerSideEncryptionConfiguration");
            }
            if (!tlsOnly.contains(bucket)) {
                problems.add(bucket + ": no AWS::S3::BucketPolicy denies its requests without TLS"
                        + " (Effect: Deny, Condition: {Bool: {aws:SecureTransport: false}})");
            }
        }
        for (var table : idsOf(TABLE)) {
            var properties = properties(table);
            var billing = String.valueOf(properties.get("BillingMode"));
            if (!billing.equals("PAY_PER_REQUEST")) {
                problems.add(table + ": BillingMode is " + billing + ", not PAY_PER_REQUEST");
            }
            var ttl = map(properties.get("TimeToLiveSpecification"));
            if (!ttl.containsKey("AttributeName") || !isTrue(ttl.get("Enabled"))) {
                problems.add(table + ": no TimeToLiveSpecification with an AttributeName and Enabled: true");
            }
        }
        return problems;
    }

    private Set<String> tlsOnlyBuckets() {
        var buckets = new LinkedHashSet<String>();
        for (var policy : idsOf(BUCKET_POLICY)) {
            var properties = properties(policy);
            var bucket = referencedId(properties.get("Bucket"));
            for (var statement : list(map(properties.get("PolicyDocument")).get("Statement"))) {
                var body = map(statement);
                var secure = map(map(body.get("Condition")).get("Bool")).get("aws:SecureTransport");
                if ("Deny".equals(body.get("Effect")) && ("false".equals(String.valueOf(secure).toLowerCase(Locale.ROOT)))) {
                    bucket.ifPresent(buckets::add);
                }
            }
        }
        return buckets;
    }

    // ---------------------------------------------------------------------------------------------
    // Template access

    /** One metric an alarm watches, dimension values as written. */
    record Metric(String namespace, String name, Map<String, Object> dimensions) {

        /** The queue a {@code QueueName} dimension names: {@code !GetAtt X.QueueName} ({@code !Ref} is its URL). */
        Optional<String> queue() {
            return attributeOf(dimensions.get("QueueName"), "QueueName");
        }

        /** The function a {@code FunctionName} dimension names: {@code !Ref X} ({@code !GetAtt X.Arn} is no name). */
        Optional<String> function() {
            return attributeOf(dimensions.get("FunctionName"), null);
        }
    }

    /**
     * The logical id behind {@code !GetAtt X.attribute} (or {@code !Sub "${X.attribute}"}), or
     * behind {@code !Ref X} (or {@code !Sub "${X}"}) when {@code attribute} is null.
     */
    private static Optional<String> attributeOf(Object value, String attribute) {
        if (!(value instanceof Map<?, ?> call) || call.size() != 1) {
            return Optional.empty();
        }
        var name = String.valueOf(call.keySet().iterator().next());
        var argument = call.values().iterator().next();
        var written = switch (name) {
            case "Ref" -> argument instanceof String id ? id : "";
            case "Fn::GetAtt" -> argument instanceof List<?> parts ? parts.stream().map(String::valueOf).reduce((a, b) -> a + "." + b).orElse("")
                    : String.valueOf(argument);
            case "Fn::Sub" -> argument instanceof String text && text.startsWith("${") && text.endsWith("}")
                    ? text.substring(2, text.length() - 1) : "";
            default -> "";
        };
        if (name.equals("Ref") && attribute != null || name.equals("Fn::GetAtt") && attribute == null) {
            return Optional.empty();
        }
        if (attribute == null) {
            return written.matches("[A-Za-z0-9]+") ? Optional.of(written) : Optional.empty();
        }
        return written.endsWith("." + attribute) ? Optional.of(written.substring(0, written.length() - attribute.length() - 1))
                : Optional.empty();
    }

    List<Metric> alarmMetrics() {
        var metrics = new ArrayList<Metric>();
        for (var alarm : idsOf(ALARM)) {
            var properties = properties(alarm);
            if (properties.containsKey("MetricName")) {
                metrics.add(metric(properties));
            }
            for (var query : list(properties.get("Metrics"))) {
                var stat = map(map(query).get("MetricStat"));
                if (stat.containsKey("Metric")) {
                    metrics.add(metric(map(stat.get("Metric"))));
                }
            }
        }
        return metrics;
    }

    private static Metric metric(Map<String, Object> metric) {
        var dimensions = new LinkedHashMap<String, Object>();
        for (var dimension : list(metric.get("Dimensions"))) {
            var body = map(dimension);
            dimensions.put(String.valueOf(body.get("Name")), body.get("Value"));
        }
        return new Metric(String.valueOf(metric.get("Namespace")), String.valueOf(metric.get("MetricName")), dimensions);
    }

    private Set<String> deadLetterQueues() {
        var targets = new LinkedHashSet<String>();
        for (var queue : idsOf(QUEUE)) {
            referencedId(map(properties(queue).get("RedrivePolicy")).get("deadLetterTargetArn")).ifPresent(targets::add);
        }
        for (var function : idsOf(FUNCTION)) {
            var properties = properties(function);
            var onFailure = map(map(map(properties.get("EventInvokeConfig")).get("DestinationConfig")).get("OnFailure"));
            referencedId(onFailure.get("Destination")).ifPresent(targets::add);
            referencedId(map(properties.get("DeadLetterQueue")).get("TargetArn")).ifPresent(targets::add);
            for (var event : map(properties.get("Events")).values()) {
                var eventProperties = map(map(event).get("Properties"));
                var destination = map(map(eventProperties.get("DestinationConfig")).get("OnFailure")).get("Destination");
                referencedId(destination).ifPresent(targets::add);
            }
        }
        return targets;
    }

    /**
     * The logical id a value points at: {@code !Ref X}, {@code !GetAtt X.Attribute}, or a
     * {@code !Sub} that is exactly {@code ${X}} or {@code ${X.Attribute}}.
     */
    static Optional<String> referencedId(Object value) {
        if (!(value instanceof Map<?, ?> call) || call.size() != 1) {
            return Optional.empty();
        }
        var name = String.valueOf(call.keySet().iterator().next());
        var argument = call.values().iterator().next();
        return switch (name) {
            case "Ref" -> argument instanceof String id ? Optional.of(id) : Optional.empty();
            case "Fn::GetAtt" -> switch (argument) {
                case List<?> parts when !parts.isEmpty() -> Optional.of(String.valueOf(parts.getFirst()));
                case String dotted -> Optional.of(dotted.contains(".") ? dotted.substring(0, dotted.indexOf('.')) : dotted);
                default -> Optional.empty();
            };
            case "Fn::Sub" -> {
                var matcher = SUB_REFERENCE.matcher(argument instanceof String text ? text : "");
                yield matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    private List<FunctionSpec> functions() {
        // A function whose Condition is false with the default parameters is not in the application.
        return idsOf(FUNCTION).stream().map(id -> application.functions().get(id)).filter(Objects::nonNull).toList();
    }

    List<String> idsOf(String type) {
        return resources.keySet().stream().filter(id -> type.equals(typeOf(id))).toList();
    }

    private String typeOf(String id) {
        var body = resources.get(id);
        return body == null ? "" : String.valueOf(body.get("Type"));
    }

    private Map<String, Object> properties(String id) {
        return map(resources.get(id).get("Properties"));
    }

    private String relative(Path path) {
        var root = template.toAbsolutePath().normalize().getParent();
        var normalized = path.toAbsolutePath().normalize();
        return normalized.startsWith(root) ? root.relativize(normalized).toString() : normalized.toString();
    }

    private static String className(String handler) {
        var separator = handler.indexOf("::");
        return separator < 0 ? handler : handler.substring(0, separator);
    }

    private static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value));
    }

    private static String describe(Object value) {
        return value instanceof String text ? text : referencedId(value).orElse(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
    }

    /** The {@code ## IAM exceptions} table of the operations page. */
    static final class IamExceptions {

        static final String HEADING = "## IAM exceptions";
        private static final Pattern LOGICAL_ID = Pattern.compile("\\b[A-Z][A-Za-z0-9]+\\b");
        /** service:Action, not the service:region parts of an ARN. */
        private static final Pattern IAM_ACTION = Pattern.compile("(?<![A-Za-z0-9:])(?!arn:)[a-z][a-z0-9-]*:[A-Za-z*][A-Za-z0-9*]*");
        private static final Pattern POLICY_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]+)`");

        private IamExceptions() {}

        /**
         * Adds every row of the table to {@code exceptions}: one per function and action, both
         * cells may list several, comma-separated, in backticks or not.
         *
         * @return what is wrong with the page, if anything (missing, no table, a malformed row)
         */
        static Optional<String> read(Path page, Set<WildcardGrant> exceptions) {
            if (!Files.isRegularFile(page)) {
                return Optional.of(page + " does not exist: it must list the IAM exceptions under '" + HEADING + "'");
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(page);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var start = -1;
            for (var i = 0; i < lines.size() && start < 0; i++) {
                if (lines.get(i).strip().equalsIgnoreCase(HEADING)) {
                    start = i;
                }
            }
            if (start < 0) {
                return Optional.of(page + " has no '" + HEADING + "' section");
            }
            var rows = 0;
            for (var line : lines.subList(start + 1, lines.size())) {
                if (line.startsWith("## ")) {
                    break;
                }
                var trimmed = line.strip();
                if (!trimmed.startsWith("|")) {
                    continue;
                }
                rows++;
                var cells = trimmed.substring(1, trimmed.endsWith("|") ? trimmed.length() - 1 : trimmed.length()).split("\\|", -1);
                if (rows == 1 || trimmed.replaceAll("[|:\\-\\s]", "").isEmpty()) {
                    continue; // the header row and the separator row
                }
                if (cells.length < 3) {
                    return Optional.of(page + ": the IAM exceptions row '" + trimmed + "' needs three cells: Function | Action | Why");
                }
                for (var grantee : grantees(cells[0])) {
                    for (var action : actions(cells[1])) {
                        exceptions.add(new WildcardGrant(grantee, action));
                    }
                }
            }
            if (rows == 0) {
                return Optional.of(page + ": '" + HEADING + "' has no table (Function | Action | Why)");
            }
            return Optional.empty();
        }

        /**
         * "every function" (or "all functions", "*"), else the logical ids the cell names:
         * {@code VideoAssemblerFunction}, {@code (AlarmTopicKey's key policy)}.
         */
        private static List<String> grantees(String cell) {
            var text = cell.replace("`", "").strip();
            if (EVERY_FUNCTION.contains(text.toLowerCase(Locale.ROOT))) {
                return List.of("every function");
            }
            var ids = LOGICAL_ID.matcher(text).results().map(MatchResult::group).toList();
            return ids.isEmpty() ? List.of(text) : ids;
        }

        /**
         * The IAM actions the cell names ({@code logs:PutLogEvents}, {@code kms:GenerateDataKey*}),
         * else the policies in backticks ({@code CloudWatchPutMetricPolicy}), else the whole cell:
         * prose around them ("on {@code *}", "for the account") is explanation.
         */
        private static List<String> actions(String cell) {
            var actions = IAM_ACTION.matcher(cell).results().map(MatchResult::group).toList();
            if (!actions.isEmpty()) {
                return actions;
            }
            var policies = POLICY_NAME.matcher(cell).results().map(match -> match.group(1)).toList();
            return policies.isEmpty() ? List.of(cell.replace("`", "").strip()) : policies;
        }
    }
}
