package dev.offstage.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each template mistake stops loading with a message that names the resource and the problem. */
class TemplateMistakesTest {

    private static TemplateException mistake(String template) {
        return mistake(template, Map.of());
    }

    private static TemplateException mistake(String template, Map<String, String> overrides) {
        var path = TestTemplates.path(template);
        var error = catchThrowableOfType(TemplateException.class, () -> Templates.load(path, overrides, TestTemplates.NAMING));
        assertThat(error).as("loading %s fails", template).isNotNull();
        assertThat(error.template()).isEqualTo(path);
        assertThat(error.getMessage()).startsWith(path.toString());
        return error;
    }

    @Test
    void secretMistakesNameTheSecretAndTheProperty() {
        var error = mistake("mistakes/secrets.yaml");

        assertThat(error.problems()).anySatisfy(problem -> assertThat(problem)
                .startsWith("BothValues").contains("has both SecretString and GenerateSecretString"));
        assertThat(error.problems()).anySatisfy(problem -> assertThat(problem)
                .startsWith("TemplateWithoutKey").contains("SecretStringTemplate").contains("needs GenerateStringKey as well"));
        assertThat(error.problems()).anySatisfy(problem -> assertThat(problem)
                .startsWith("TemplateNotJson").contains("SecretStringTemplate").contains("is not a JSON object"));
        assertThat(error.problems()).anySatisfy(problem -> assertThat(problem)
                .startsWith("BadName").contains("'has spaces' is not a valid secret name"));
        assertThat(error.problems()).anySatisfy(problem -> assertThat(problem)
                .startsWith("HelloFunction").contains("BadName (AWS::SecretsManager::Secret) has no attribute 'Arn' (it has Id)"));
    }

    @Test
    void refToNothingNamesTheFunctionPropertyAndTarget() {
        var error = mistake("mistakes/ref-to-nothing.yaml");

        assertThat(error.problems()).containsExactly("HelloFunction (AWS::Serverless::Function), property "
                + "Environment.Variables.TABLE: !Ref MissingTable refers to nothing: no parameter, resource or pseudo "
                + "parameter is named 'MissingTable'");
    }

    @Test
    void getAttToNothingNamesTheFunctionPropertyAndTarget() {
        var error = mistake("mistakes/getatt-to-nothing.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "Environment.Variables.QUEUE_ARN",
                "!GetAtt MissingQueue.Arn refers to nothing");
    }

    @Test
    void subVariableToNothingNamesTheFunctionPropertyAndVariable() {
        var error = mistake("mistakes/sub-to-nothing.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "Environment.Variables.PATH_PREFIX",
                "${MissingBucket} refers to nothing");
    }

    @Test
    void functionWithoutCodeUriIsRefused() {
        var error = mistake("mistakes/no-code-uri.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "has no CodeUri");
    }

    @Test
    void codeUriFolderThatDoesNotExistIsRefused() {
        var error = mistake("mistakes/code-uri-missing.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "property CodeUri", "'../functions/does-not-exist' does not exist");
    }

    @Test
    void codeUriFolderWithoutPomIsRefused() {
        var error = mistake("mistakes/code-uri-without-pom.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "property CodeUri", "has no pom.xml");
    }

    @Test
    void malformedHandlerIsRefused() {
        var error = mistake("mistakes/malformed-handler.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "property Handler",
                "'dev.offstage.fixture.Hello::' is not a Java handler");
    }

    @Test
    void sqsEventOnAQueueOutsideTheTemplateIsRefused() {
        var error = mistake("mistakes/sqs-queue-not-in-template.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "Events.Work.Properties.Queue",
                "SQS event 'Work'", "arn:aws:sqs:us-east-1:123456789012:someone-elses-queue is not a queue of this template");
    }

    @Test
    void s3EventOnABucketOutsideTheTemplateIsRefused() {
        var error = mistake("mistakes/s3-bucket-not-in-template.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "Events.Upload.Properties.Bucket",
                "must be !Ref to an AWS::S3::Bucket declared in this template");
    }

    @Test
    void functionReferringToTheBucketThatTriggersItIsACircularDependency() {
        var error = mistake("mistakes/circular-reference.yaml");

        assertThat(error.getMessage()).contains("circular dependency between resources",
                "UploadsBucket -> ThumbnailFunction -> UploadsBucket",
                "ThumbnailFunction refers to UploadsBucket in Environment.Variables.BUCKET",
                "UploadsBucket notifies ThumbnailFunction through its S3 event 'Upload'");
    }

    @Test
    void overrideForAParameterTheTemplateDoesNotDeclareIsRefused() {
        var error = mistake("minimal.yaml", Map.of("Stage", "dev"));

        assertThat(error.getMessage()).contains("parameter overrides name parameters the template does not declare: Stage");
    }

    @Test
    void parameterWithNeitherDefaultNorOverrideIsNamed() {
        var error = mistake("mistakes/parameters.yaml");

        assertThat(error.problems()).containsExactly(
                "parameter Stage: has no Default and no override: give it a Default in the template or a value as a parameter override");
    }

    @Test
    void valueOutsideAllowedValuesIsRefused() {
        var error = mistake("mistakes/parameters.yaml", Map.of("Stage", "qa"));

        assertThat(error.getMessage()).contains("parameter Stage", "value 'qa' is not one of the AllowedValues [dev, prod]");
    }

    @Test
    void noEchoValueNeverAppearsInAMessage() {
        var error = mistake("mistakes/parameters.yaml", Map.of("Stage", "dev", "Secret", "Hunter2"));

        assertThat(error.getMessage()).contains("parameter Secret", "does not match the AllowedPattern")
                .doesNotContain("Hunter2");
    }

    @Test
    void importValueIsNotSupportedLocally() {
        var error = mistake("mistakes/import-value.yaml");

        assertThat(error.getMessage()).contains("HelloFunction", "Environment.Variables.SHARED_TABLE",
                "!ImportValue 'shared-stack-table' is not supported locally", "pass the value as a parameter instead");
    }

    @Test
    void oneRunReportsEveryMistake() {
        var error = mistake("mistakes/several.yaml");

        assertThat(error.problems()).hasSize(2);
        assertThat(error.problems().get(0)).contains("FirstFunction", "property Timeout", "must be between 1 and 900");
        assertThat(error.problems().get(1)).contains("SecondFunction", "property Handler", "is not a Java handler");
    }
}
