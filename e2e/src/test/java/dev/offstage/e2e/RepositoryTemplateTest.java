package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The repository's own {@code template.yaml} — the application {@code scripts/dev} runs — starts
 * under the runtime with every resource it declares, and stops cleanly. Its functions' modules
 * must be built (their target/classes and target/lambda-classpath.txt), as for scripts/dev: this
 * module is built after all of them.
 */
class RepositoryTemplateTest {

    /** Tests run in the repository root. */
    private static final Path TEMPLATE = Path.of("template.yaml");

    @Test
    void repositoryTemplateStartsWithEveryResourceAndStopsCleanly(@TempDir Path folder) throws Exception {
        var before = ChildProcesses.now();
        var endpointsFile = folder.resolve("endpoints.json");

        try (var runtime = LocalRuntime.start(LocalRuntimeOptions.of(TEMPLATE).withHttpPort(0).withEndpointsFile(endpointsFile));
                var aws = AwsClients.from(Environment.of(runtime.clientEnvironment()))) {
            var endpoints = runtime.endpoints();
            assertThat(endpoints.tables()).as("tables").containsKey("IdempotencyTable");
            endpoints.tables().values().forEach(table ->
                    assertThat(aws.dynamoDb().describeTable(request -> request.tableName(table)).table().tableStatus())
                            .as(table).isEqualTo(TableStatus.ACTIVE));
            endpoints.queues().values().forEach(queue ->
                    assertThat(aws.sqs().getQueueAttributes(request -> request.queueUrl(queue)
                            .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()).as(queue).isNotEmpty());
            endpoints.buckets().values().forEach(bucket -> aws.s3().headBucket(request -> request.bucket(bucket)));
            assertThat(endpoints.functions().keySet()).isEqualTo(runtime.application().functions().keySet());

            // The endpoints file says the same, for scripts and people.
            var written = Json.tree(Files.readString(endpointsFile));
            assertThat(written.get("httpApi").asText()).isEqualTo(endpoints.httpApi().toString());
            assertThat(written.at("/endpoints/dynamodb").asText()).isEqualTo(endpoints.dynamoDb().toString());
            assertThat(written.at("/endpoints/sqs").asText()).isEqualTo(endpoints.sqs().toString());
            assertThat(written.at("/endpoints/s3").asText()).isEqualTo(endpoints.s3().toString());
            assertThat(written.at("/tables/IdempotencyTable").asText()).isEqualTo(endpoints.tables().get("IdempotencyTable"));
            assertThat(written.get("region").asText()).isEqualTo("us-east-1");
            assertThat(endpoints.summary()).contains(endpoints.httpApi().toString(), endpoints.tables().get("IdempotencyTable"));
        }

        assertThat(ChildProcesses.startedSince(before)).as("processes left running").isEmpty();
    }
}
