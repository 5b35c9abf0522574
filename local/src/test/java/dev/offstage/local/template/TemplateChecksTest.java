package dev.offstage.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offstage.local.model.Application;
import dev.offstage.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * The deploy-time checks of SAM, CloudFormation and the services that the loader repeats, each
 * on a template written for the case. The template mistakes the issue names have their own
 * files: {@link TemplateMistakesTest}.
 */
class TemplateChecksTest {

    @TempDir
    Path folder;

    @BeforeEach
    void codeModule() throws IOException {
        Files.createDirectories(folder.resolve("hello"));
        Files.writeString(folder.resolve("hello/pom.xml"), "<project/>");
    }

    /** A template with one function (HelloFunction) whose extra properties and extra resources are given. */
    private String template(String functionProperties, String resources) {
        return """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  HelloFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java25
                      CodeUri: hello
                      Handler: dev.offstage.fixture.Hello
                %s
                %s
                """.formatted(functionProperties.indent(6).stripTrailing(), resources.indent(2).stripTrailing());
    }

    private Application load(String template) throws IOException {
        var file = folder.resolve("template.yaml");
        Files.writeString(file, template);
        return Templates.load(file, Map.of(), TestTemplates.NAMING);
    }

    private String problem(String template) throws IOException {
        var file = folder.resolve("template.yaml");
        Files.writeString(file, template);
        var error = catchThrowableOfType(TemplateException.class, () -> Templates.load(file, Map.of(), TestTemplates.NAMING));
        assertThat(error).as("the template is refused").isNotNull();
        return error.getMessage();
    }

    @Test
    void conditionsMayNotReferToResources() throws IOException {
        assertThat(problem("""
                Conditions:
                  HasQueue: !Equals [!Ref Queue, x]
                """ + template("", "Queue:\n  Type: AWS::SQS::Queue")))
                .contains("condition HasQueue", "!Ref Queue refers to resource Queue",
                        "conditions can refer only to parameters and pseudo parameters");
    }

    @Test
    void undeclaredConditionIsNamed() throws IOException {
        assertThat(problem(template("Environment:\n  Variables:\n    MODE: !If [IsProd, a, b]", "")))
                .contains("HelloFunction", "Environment.Variables.MODE", "condition 'IsProd' is not declared in Conditions");
    }

    @Test
    void unknownAttributeIsNamedWithTheOnesThatExist() throws IOException {
        assertThat(problem(template("Environment:\n  Variables:\n    QQ: !GetAtt Queue.Url", "Queue:\n  Type: AWS::SQS::Queue")))
                .contains("HelloFunction", "Environment.Variables.QQ", "Queue (AWS::SQS::Queue) has no attribute 'Url'",
                        "Arn, QueueName, QueueUrl");
    }

    @Test
    void getAttOnAParameterIsRefused() throws IOException {
        assertThat(problem("Parameters:\n  Name:\n    Type: String\n    Default: x\n"
                + template("Environment:\n  Variables:\n    QQ: !GetAtt Name.Arn", "")))
                .contains("!GetAtt Name.Arn refers to parameter Name");
    }

    @Test
    void referenceToAResourceWhoseConditionIsFalseIsRefused() throws IOException {
        assertThat(problem("Conditions:\n  Never: !Equals [a, b]\n"
                + template("Environment:\n  Variables:\n    QQ: !Ref Queue", "Queue:\n  Type: AWS::SQS::Queue\n  Condition: Never")))
                .contains("HelloFunction", "!Ref Queue refers to Queue, which is not created: its condition Never is false");
    }

    @Test
    void fifoQueueNamedWithoutFifoSuffixIsRefused() throws IOException {
        assertThat(problem(template("", "Queue:\n  Type: AWS::SQS::Queue\n  Properties:\n    FifoQueue: true\n    QueueName: jobs")))
                .contains("Queue (AWS::SQS::Queue), property QueueName", "'jobs' must end in .fifo");
    }

    @Test
    void redriveToAQueueOutsideTheTemplateIsRefused() throws IOException {
        assertThat(problem(template("", """
                Queue:
                  Type: AWS::SQS::Queue
                  Properties:
                    RedrivePolicy:
                      deadLetterTargetArn: arn:aws:sqs:us-east-1:123456789012:elsewhere
                      maxReceiveCount: 3""")))
                .contains("Queue (AWS::SQS::Queue), property RedrivePolicy.deadLetterTargetArn", "is not a queue of this template");
    }

    @Test
    void redrivePolicyMayBeAJsonString() throws IOException {
        var app = load(template("", """
                Dlq:
                  Type: AWS::SQS::Queue
                Queue:
                  Type: AWS::SQS::Queue
                  Properties:
                    RedrivePolicy: !Sub '{"deadLetterTargetArn": "${Dlq.Arn}", "maxReceiveCount": 4}'"""));

        assertThat(app.queues().get("Queue").redrive()).hasValueSatisfying(redrive -> {
            assertThat(redrive.deadLetterQueueLogicalId()).isEqualTo("Dlq");
            assertThat(redrive.maxReceiveCount()).isEqualTo(4);
        });
    }

    @Test
    void sqsEventOnATableIsRefusedNamingWhatItIs() throws IOException {
        assertThat(problem(template("""
                Events:
                  Work:
                    Type: SQS
                    Properties:
                      Queue: !GetAtt Table.Arn""", "Table:\n  Type: AWS::Serverless::SimpleTable")))
                .contains("SQS event 'Work' refers to Table, which is an AWS::Serverless::SimpleTable, not an AWS::SQS::Queue");
    }

    @Test
    void sqsEventGivenTheQueueUrlInsteadOfItsArnSaysSo() throws IOException {
        assertThat(problem(template("""
                Events:
                  Work:
                    Type: SQS
                    Properties:
                      Queue: !Ref Queue""", "Queue:\n  Type: AWS::SQS::Queue")))
                .contains("SQS event 'Work' needs the queue's ARN: write !GetAtt Queue.Arn (!Ref Queue gives its URL)");
    }

    @Test
    void queueVisibilityTimeoutShorterThanTheFunctionTimeoutIsRefused() throws IOException {
        assertThat(problem(template("""
                Timeout: 60
                Events:
                  Work:
                    Type: SQS
                    Properties:
                      Queue: !GetAtt Queue.Arn""", "Queue:\n  Type: AWS::SQS::Queue")))
                .contains("HelloFunction", "SQS event 'Work': queue Queue has VisibilityTimeout 30 s, less than the "
                        + "function's Timeout of 60 s");
    }

    @Test
    void batchSizeAboveTenNeedsABatchingWindow() throws IOException {
        assertThat(problem(template("""
                Events:
                  Work:
                    Type: SQS
                    Properties:
                      Queue: !GetAtt Queue.Arn
                      BatchSize: 50""", "Queue:\n  Type: AWS::SQS::Queue")))
                .contains("Events.Work.Properties.BatchSize", "MaximumBatchingWindowInSeconds of at least 1");
    }

    @Test
    void httpApiEventWithPathButNoMethodIsRefused() throws IOException {
        assertThat(problem(template("Events:\n  Get:\n    Type: HttpApi\n    Properties:\n      Path: /x", "")))
                .contains("HttpApi event 'Get' sets Path without Method");
    }

    @Test
    void twoFunctionsOnOneRouteAreRefused() throws IOException {
        assertThat(problem(template("Events:\n  Get:\n    Type: HttpApi\n    Properties:\n      Path: /x\n      Method: GET", """
                OtherFunction:
                  Type: AWS::Serverless::Function
                  Properties:
                    Runtime: java25
                    CodeUri: hello
                    Handler: dev.offstage.fixture.Other
                    Events:
                      Get:
                        Type: HttpApi
                        Properties:
                          Path: /x
                          Method: get""")))
                .contains("OtherFunction", "route GET /x is already declared by HelloFunction (event Get)");
    }

    @Test
    void overlappingS3NotificationsOnOneBucketAreRefused() throws IOException {
        var event = """
                Events:
                  Upload:
                    Type: S3
                    Properties:
                      Bucket: !Ref Bucket
                      Events: %s
                      Filter: {S3Key: {Rules: [{Name: prefix, Value: %s}]}}""";
        assertThat(problem(template(event.formatted("s3:ObjectCreated:*", "in/"), """
                Bucket:
                  Type: AWS::S3::Bucket
                OtherFunction:
                  Type: AWS::Serverless::Function
                  Properties:
                    Runtime: java25
                    CodeUri: hello
                    Handler: dev.offstage.fixture.Other
                """ + event.formatted("s3:ObjectCreated:Put", "in/images/").indent(4))))
                .contains("OtherFunction (event Upload)", "overlaps HelloFunction (event Upload)");
    }

    @Test
    void reservedEnvironmentVariableIsRefused() throws IOException {
        assertThat(problem(template("Environment:\n  Variables:\n    AWS_REGION: eu-west-1", "")))
                .contains("HelloFunction", "Environment.Variables.AWS_REGION", "is reserved");
    }

    @Test
    void singleCharacterVariableNameIsRefusedAsLambdaDoes() throws IOException {
        assertThat(problem(template("Environment:\n  Variables:\n    X: value", "")))
                .contains("HelloFunction", "Environment.Variables.X", "'X' is not a valid variable name for Lambda");
    }

    @Test
    void nonJavaRuntimeIsRefused() throws IOException {
        assertThat(problem(template("Runtime: python3.12", "").replace("      Runtime: java25\n", "")))
                .contains("HelloFunction", "property Runtime", "'python3.12' is not supported");
    }

    @Test
    void destinationOutsideTheTemplateIsRefused() throws IOException {
        assertThat(problem(template("""
                EventInvokeConfig:
                  DestinationConfig:
                    OnFailure:
                      Type: SQS
                      Destination: arn:aws:sqs:us-east-1:123456789012:elsewhere""", "")))
                .contains("HelloFunction", "EventInvokeConfig.DestinationConfig.OnFailure",
                        "is not a SQS destination of this template");
    }

    @Test
    void unusedAttributeDefinitionIsRefused() throws IOException {
        assertThat(problem(template("", """
                Table:
                  Type: AWS::DynamoDB::Table
                  Properties:
                    AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: extra, AttributeType: S}]
                    KeySchema: [{AttributeName: id, KeyType: HASH}]""")))
                .contains("Table (AWS::DynamoDB::Table), property AttributeDefinitions", "defines extra, which no key schema uses");
    }

    @Test
    void serverlessResourcesNeedTheTransform() throws IOException {
        assertThat(problem(template("", "").replace("Transform: AWS::Serverless-2016-10-31\n", "")))
                .contains("HelloFunction (AWS::Serverless::Function)", "needs 'Transform: AWS::Serverless-2016-10-31'");
    }

    @Test
    void misspelledGlobalsSectionIsRefused() throws IOException {
        assertThat(problem("Globals:\n  Functions:\n    Timeout: 5\n" + template("", "")))
                .contains("Globals: 'Functions' is not a Globals section SAM knows");
    }

    @Test
    void ssmParameterNeedsAnOverride() throws IOException {
        assertThat(problem("Parameters:\n  Vpc:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /network/vpc\n"
                + template("", "")))
                .contains("parameter Vpc", "SSM Parameter Store", "give the value as a parameter override");
    }

    @Test
    void selectOutsideTheListNamesTheProperty() throws IOException {
        assertThat(problem(template("Environment:\n  Variables:\n    XX: !Select [3, [a, b]]", "")))
                .contains("HelloFunction", "Environment.Variables.XX", "!Select index 3 is outside the list of 2 items");
    }

    @Test
    void findInMapWithAMissingKeyNamesTheKey() throws IOException {
        assertThat(problem("Mappings:\n  Sizes:\n    dev: {Memory: 256}\n"
                + template("Environment:\n  Variables:\n    XX: !FindInMap [Sizes, prod, Memory]", "")))
                .contains("HelloFunction", "mapping Sizes has no key 'prod'");
    }

    @Test
    void explicitHttpApiCarriesItsRoutesAndAnswersApiEndpoint() throws IOException {
        var app = load(template("""
                Environment:
                  Variables:
                    OTHER_URL: !GetAtt Other.Arn
                Events:
                  Get:
                    Type: HttpApi
                    Properties:
                      ApiId: !Ref Api
                      Path: /x
                      Method: GET""", """
                Api:
                  Type: AWS::Serverless::HttpApi
                Other:
                  Type: AWS::Serverless::Function
                  Properties:
                    Runtime: java25
                    CodeUri: hello
                    Handler: dev.offstage.fixture.Other
                    Environment:
                      Variables:
                        API: !GetAtt Api.ApiEndpoint"""));

        assertThat(app.functions().get("Other").environment()).containsEntry("API", "http://127.0.0.1:3000");
        assertThat(app.functions().get("HelloFunction").events()).hasSize(1);
    }

    @Test
    void ephemeralStorageOutsideLambdasRangeIsRefused() throws IOException {
        assertThat(problem(template("EphemeralStorage:\n  Size: 20480", "")))
                .contains("HelloFunction (AWS::Serverless::Function), property EphemeralStorage.Size", "between 512 and 10240");
        assertThat(load(template("EphemeralStorage:\n  Size: 10240", "")).functions()).containsKey("HelloFunction");
    }

    @Test
    void layersAreNotFetchedLocallyAndStartupSaysSo() throws IOException {
        var layer = "arn:aws:lambda:us-east-1:123456789012:layer:ffmpeg:3";
        LogCapture.start();

        var app = load(template("Layers: [" + layer + "]", ""));

        assertThat(app.functions()).containsKey("HelloFunction");
        assertThat(LogCapture.lines()).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo(Level.WARN);
            assertThat(line.message()).contains("HelloFunction", layer, "not fetched locally", "/opt");
        });
    }

    @Test
    void layersAnIfRemovesAreNoneAndNothingIsSaid() throws IOException {
        LogCapture.start();

        var app = load("""
                Parameters:
                  LayerArn:
                    Type: String
                    Default: ""
                Conditions:
                  HasLayer: !Not [!Equals [!Ref LayerArn, ""]]
                """ + template("Layers: !If [HasLayer, [!Ref LayerArn], !Ref AWS::NoValue]", ""));

        assertThat(app.functions()).containsKey("HelloFunction");
        assertThat(LogCapture.lines()).noneSatisfy(line -> assertThat(line.message()).contains("Layers"));
    }

    @Test
    void layerThatIsNoLayerVersionArnOrOneTooManyIsRefused() throws IOException {
        assertThat(problem(template("Layers: [arn:aws:lambda:us-east-1:123456789012:layer:ffmpeg]", "")))
                .contains("HelloFunction (AWS::Serverless::Function), property Layers[0]", "is not a layer version ARN");
        var six = String.join(", ", java.util.Collections.nCopies(6, "arn:aws:lambda:us-east-1:123456789012:layer:x:1"));
        assertThat(problem(template("Layers: [" + six + "]", ""))).contains("property Layers", "has 6 layers", "at most 5");
    }
}
