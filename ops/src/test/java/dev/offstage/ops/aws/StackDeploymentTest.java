package dev.offstage.ops.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/** Against a protocol fake of CloudFormation's query protocol (form-encoded requests, XML answers). */
class StackDeploymentTest {

    private ProtocolFake fake;
    private AwsClients aws;
    private CloudFormationClient cloudFormation;

    @AfterEach
    void close() {
        cloudFormation.close();
        aws.close();
        fake.close();
    }

    @Test
    void theStackResourcesOfEveryPageMakeTheDeployment() throws IOException {
        start(request -> {
            var form = form(request.text());
            assertThat(form).containsEntry("Action", "ListStackResources").containsEntry("StackName", "offstage");
            return form.containsKey("NextToken") ? page("""
                    <member><LogicalResourceId>BuildsTable</LogicalResourceId><PhysicalResourceId>offstage-BuildsTable-1X</PhysicalResourceId>
                      <ResourceType>AWS::DynamoDB::Table</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                      <LastUpdatedTimestamp>2026-11-27T09:00:00Z</LastUpdatedTimestamp></member>
                    <member><LogicalResourceId>BuildRunnerFunctionLogGroup</LogicalResourceId><PhysicalResourceId>/offstage/BuildRunner</PhysicalResourceId>
                      <ResourceType>AWS::Logs::LogGroup</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                      <LastUpdatedTimestamp>2026-11-27T09:00:00Z</LastUpdatedTimestamp></member>
                    """, null) : page("""
                    <member><LogicalResourceId>BuildsQueue</LogicalResourceId>
                      <PhysicalResourceId>https://sqs.eu-west-1.amazonaws.com/123456789012/offstage-BuildsQueue-AB</PhysicalResourceId>
                      <ResourceType>AWS::SQS::Queue</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                      <LastUpdatedTimestamp>2026-11-27T09:00:00Z</LastUpdatedTimestamp></member>
                    <member><LogicalResourceId>BuildRunnerFunction</LogicalResourceId><PhysicalResourceId>offstage-BuildRunnerFunction-CD</PhysicalResourceId>
                      <ResourceType>AWS::Lambda::Function</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                      <LastUpdatedTimestamp>2026-11-27T09:00:00Z</LastUpdatedTimestamp></member>
                    <member><LogicalResourceId>GitHubWebhookFunction</LogicalResourceId><PhysicalResourceId>offstage-GitHubWebhookFunction-EF</PhysicalResourceId>
                      <ResourceType>AWS::Lambda::Function</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                      <LastUpdatedTimestamp>2026-11-27T09:00:00Z</LastUpdatedTimestamp></member>
                    <member><LogicalResourceId>AlarmTopic</LogicalResourceId><PhysicalResourceId>arn:aws:sns:eu-west-1:123456789012:alarms</PhysicalResourceId>
                      <ResourceType>AWS::SNS::Topic</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                      <LastUpdatedTimestamp>2026-11-27T09:00:00Z</LastUpdatedTimestamp></member>
                    """, "page-2");
        });

        var deployment = StackDeployment.load(cloudFormation, "offstage");

        assertThat(deployment.name()).isEqualTo("offstage");
        assertThat(deployment.queues()).containsExactly(
                Map.entry("BuildsQueue", "https://sqs.eu-west-1.amazonaws.com/123456789012/offstage-BuildsQueue-AB"));
        assertThat(deployment.tables()).containsExactly(Map.entry("BuildsTable", "offstage-BuildsTable-1X"));
        assertThat(deployment.functions()).containsOnly(Map.entry("BuildRunnerFunction", "offstage-BuildRunnerFunction-CD"),
                Map.entry("GitHubWebhookFunction", "offstage-GitHubWebhookFunction-EF"));
        assertThat(deployment.logGroups()).containsOnly(Map.entry("BuildRunnerFunction", "/offstage/BuildRunner"),
                Map.entry("GitHubWebhookFunction", "/aws/lambda/offstage-GitHubWebhookFunction-EF"));
        assertThat(fake.requests).hasSize(2);
    }

    @Test
    void aMissingStackIsReportedAsSuch() throws IOException {
        start(request -> ProtocolFake.Response.of(400, "text/xml", """
                <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id nope does not exist</Message></Error>
                  <RequestId>fake-request</RequestId>
                </ErrorResponse>
                """));

        assertThatThrownBy(() -> StackDeployment.load(cloudFormation, "nope"))
                .isInstanceOf(StackNotFoundException.class)
                .hasMessage("Stack 'nope' not found: check --stack and --region (or AWS_REGION)");
    }

    private void start(java.util.function.Function<ProtocolFake.Request, ProtocolFake.Response> responder) throws IOException {
        fake = new ProtocolFake(responder);
        aws = AwsClients.from(Environment.of(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test", "AWS_ENDPOINT_URL_CLOUDFORMATION", fake.uri().toString())));
        cloudFormation = aws.configure(CloudFormationClient.builder(), "CLOUDFORMATION").build();
    }

    private static ProtocolFake.Response page(String members, String nextToken) {
        return ProtocolFake.Response.of(200, "text/xml", """
                <ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <ListStackResourcesResult>
                    <StackResourceSummaries>%s</StackResourceSummaries>%s
                  </ListStackResourcesResult>
                  <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>
                </ListStackResourcesResponse>
                """.formatted(members, nextToken == null ? "" : "<NextToken>" + nextToken + "</NextToken>"));
    }

    private static Map<String, String> form(String body) {
        var form = new java.util.HashMap<String, String>();
        for (var pair : body.split("&")) {
            var parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }
}
