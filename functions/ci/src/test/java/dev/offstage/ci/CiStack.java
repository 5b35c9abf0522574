package dev.offstage.ci;

import dev.offstage.ci.build.BuildStore;
import dev.offstage.local.model.Application;
import dev.offstage.local.resources.ProvisionedResources;
import dev.offstage.local.resources.ResourceProvisioner;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.template.Templates;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code template.yaml}'s resources, provisioned in the emulators as the local runtime does it,
 * and each CI function's logic built from exactly the environment the template gives the
 * function: in-process tests run the configuration users deploy, not a second copy of it.
 */
public final class CiStack implements AutoCloseable {

    public static final Path TEMPLATE = Path.of("template.yaml");

    public final Emulators emulators;
    public final AwsClients aws;
    public final Application application;
    public final ProvisionedResources resources;
    public final Clock clock;

    /** The template with its defaults, on a test clock. */
    public CiStack(Emulators emulators) {
        this(emulators, Map.of(), new TestClock(Instant.parse("2026-11-27T08:00:00Z")));
    }

    public CiStack(Emulators emulators, Map<String, String> parameterOverrides, Clock clock) {
        this.emulators = emulators;
        this.clock = clock;
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        var naming = LocalNaming.of(EmulatorsExtension.uniqueName("ci"), emulators.sqsEndpoint(), URI.create("http://localhost:3000"));
        this.application = Templates.load(TEMPLATE, parameterOverrides, naming);
        this.resources = new ResourceProvisioner(aws).provision(application);
    }

    /** What the function sees: the emulators' endpoints and credentials, and its template environment. */
    public Environment environment(String functionLogicalId) {
        var variables = new HashMap<>(emulators.environment());
        variables.putAll(application.functions().get(functionLogicalId).environment());
        return Environment.of(variables);
    }

    /** The function's logic, built the way its handler builds it. */
    public CiSetup setup(String functionLogicalId) {
        return new CiSetup(environment(functionLogicalId), aws, clock);
    }

    /** The test clock, for stacks made with one. */
    public TestClock testClock() {
        return (TestClock) clock;
    }

    /** Sets a secret the template declares (by logical id) to {@code value}. */
    public void putSecret(String logicalId, String value) {
        aws.secretsManager().putSecretValue(put -> put.secretId(resources.secret(logicalId).arn()).secretString(value));
    }

    public BuildStore buildStore() {
        return new BuildStore(aws.dynamoDb(), resources.table("BuildsTable").name(), java.time.Duration.ofDays(90));
    }

    public String queueUrl(String logicalId) {
        return resources.queue(logicalId).url();
    }

    /** Takes every message waiting on the queue (deleting them), waiting up to a second for the first. */
    public List<Message> drain(String queueLogicalId) {
        var messages = new java.util.ArrayList<Message>();
        var wait = 1;
        while (true) {
            var waitSeconds = wait;
            var received = aws.sqs().receiveMessage(receive -> receive.queueUrl(queueUrl(queueLogicalId))
                    .maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (received.isEmpty()) {
                return messages;
            }
            for (var message : received) {
                aws.sqs().deleteMessage(delete -> delete.queueUrl(queueUrl(queueLogicalId)).receiptHandle(message.receiptHandle()));
            }
            messages.addAll(received);
            wait = 0;
        }
    }

    @Override
    public void close() {
        aws.close();
    }
}
