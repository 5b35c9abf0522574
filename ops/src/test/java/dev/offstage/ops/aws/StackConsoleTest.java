package dev.offstage.ops.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ops.LogsUnavailableException;
import dev.offstage.ops.OpsFixture;
import dev.offstage.ops.QueueStatus;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The --stack path end to end: resources from a CloudFormation protocol fake naming the emulators'
 * queues and tables, SQS and DynamoDB from the emulators, CloudWatch and Logs refusing.
 */
@ExtendWith(EmulatorsExtension.class)
class StackConsoleTest {

    private final Emulators emulators;
    private final OpsFixture fixture;
    private final ProtocolFake aws;

    StackConsoleTest(Emulators emulators) throws IOException {
        this.emulators = emulators;
        this.fixture = new OpsFixture(emulators);
        this.aws = new ProtocolFake(request -> {
            var contentType = request.header("Content-Type");
            if (contentType.startsWith("application/x-www-form-urlencoded")) {
                return ProtocolFake.Response.of(200, "text/xml", listStackResources());
            }
            if (contentType.startsWith("application/cbor")) {
                return new ProtocolFake.Response(400, "application/cbor",
                        Cbor.write(Map.of("__type", "com.amazonaws.cloudwatch#AccessDenied", "message", "no")));
            }
            return ProtocolFake.Response.of(400, "application/x-amz-json-1.1",
                    Json.write(Map.of("__type", "AccessDeniedException", "message", "not authorized to perform logs:StartQuery")));
        });
    }

    @AfterEach
    void close() {
        aws.close();
        fixture.close();
    }

    @Test
    void aStackIsReadThroughItsResourcesAndWhatCannotBeReadIsUnknown() {
        fixture.send(OpsFixture.WORK_QUEUE, "job");
        var environment = new HashMap<>(emulators.environment());
        environment.put("AWS_ENDPOINT_URL_CLOUDFORMATION", aws.uri().toString());
        environment.put("AWS_ENDPOINT_URL_CLOUDWATCH", aws.uri().toString());
        environment.put("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", aws.uri().toString());

        try (var session = StackConsole.open("offstage", Environment.of(environment), Clock.systemUTC())) {
            assertThat(session.target()).isEqualTo("stack offstage (us-east-1)");
            var queues = session.console().queues();
            assertThat(queues).extracting(QueueStatus::logicalId)
                    .containsExactly(OpsFixture.PLAIN_QUEUE, OpsFixture.WORK_DLQ, OpsFixture.WORK_QUEUE);
            assertThat(queues.get(2).visible()).isEqualTo(1);
            assertThat(queues.get(2).oldestAgeSeconds()).isNull();
            assertThat(session.console().deployment().logGroups())
                    .containsEntry("WorkFunction", "/aws/lambda/test-WorkFunction");
            assertThatThrownBy(() -> session.console().recentErrors(5)).isInstanceOf(LogsUnavailableException.class);
        }
    }

    private String listStackResources() {
        var members = new StringBuilder();
        var deployment = fixture.deployment();
        deployment.queues().forEach((id, url) -> members.append(member(id, url, "AWS::SQS::Queue")));
        deployment.tables().forEach((id, name) -> members.append(member(id, name, "AWS::DynamoDB::Table")));
        deployment.functions().forEach((id, name) -> members.append(member(id, name, "AWS::Lambda::Function")));
        return """
                <ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <ListStackResourcesResult><StackResourceSummaries>%s</StackResourceSummaries></ListStackResourcesResult>
                  <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>
                </ListStackResourcesResponse>
                """.formatted(members);
    }

    private static String member(String logicalId, String physicalId, String type) {
        return "<member><LogicalResourceId>" + logicalId + "</LogicalResourceId><PhysicalResourceId>" + physicalId
                + "</PhysicalResourceId><ResourceType>" + type + "</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus>"
                + "<LastUpdatedTimestamp>2026-11-27T09:00:00Z</LastUpdatedTimestamp></member>";
    }
}
