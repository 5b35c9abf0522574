package dev.offstage.local.lambda;

import static dev.offstage.local.lambda.FixtureFunctions.FIXTURES;
import static dev.offstage.local.lambda.FixtureFunctions.function;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.local.lambda.HandlerSignature.Kind;
import dev.offstage.local.model.EventSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handler shapes read from compiled code in a throwaway class loader; nothing runs. */
class HandlerSignatureTest {

    private static final EventSource HTTP = new EventSource.HttpApi("GetBuild", "GET", "/builds/{id}");
    private static final EventSource SQS = new EventSource.Sqs("Posts", "PostsQueue", 10, Duration.ZERO, true,
            OptionalInt.empty(), true);
    private static final EventSource S3 = new EventSource.S3("Uploads", "UploadBucket", List.of("s3:ObjectCreated:*"), "", "");

    @TempDir
    static Path directory;

    private static LambdaService lambda;

    @BeforeAll
    static void createService() {
        var code = FixtureFunctions.codeModule(directory);
        lambda = LambdaService.create(FixtureFunctions.application(
                function(code, "Http", "HttpApiHandler"),
                function(code, "Queue", "QueueHandler"),
                function(code, "Echo", "EchoHandler"),
                function(code, "Stream", "UpperCaseStreamHandler"),
                function(code, "Inherited", "SignatureFixtures$InheritedQueueHandler"),
                function(code, "Upload", "SignatureFixtures$Methods::onUpload"),
                function(code, "Bytes", "SignatureFixtures$Methods::onBytes"),
                function(code, "NoEvent", "SignatureFixtures$Methods::noEvent"),
                function(code, "NoMethod", "SignatureFixtures$Methods::missing"),
                function(code, "NotAHandler", "SignatureFixtures$NotAHandler"),
                function(code, "Missing", "NoSuchHandler"),
                function(code, "BrokenInit", "BrokenInitHandler")), FixtureFunctions.platformEnvironment(),
                LambdaSettings.defaults());
    }

    @AfterAll
    static void closeService() {
        lambda.close();
    }

    @Test
    void requestHandlerTypeArgumentsAreItsEventAndResponseTypes() {
        var signature = lambda.handlerSignature("Http");

        assertThat(signature.kind()).isEqualTo(Kind.TYPED);
        assertThat(signature.method()).isEqualTo("handleRequest");
        assertThat(signature.inputType()).isEqualTo("com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent");
        assertThat(signature.outputType()).isEqualTo("com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse");
    }

    @Test
    void httpApiHandlerDoesNotAcceptSqsEvents() {
        var signature = lambda.handlerSignature("Http");

        assertThat(signature.accepts(HTTP)).isTrue();
        assertThat(signature.accepts(SQS)).isFalse();
        assertThat(signature.mismatch(SQS)).hasValueSatisfying(message -> assertThat(message)
                .contains("Posts (SQS) delivers SQSEvent")
                .contains("takes com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent"));
    }

    @Test
    void eventTypeInheritedThroughAGenericSuperclassIsResolved() {
        var signature = lambda.handlerSignature("Inherited");

        assertThat(signature.inputType()).isEqualTo("com.amazonaws.services.lambda.runtime.events.SQSEvent");
        assertThat(signature.outputType()).isEqualTo("java.lang.String");
        assertThat(signature.accepts(SQS)).isTrue();
        assertThat(signature.accepts(HTTP)).isFalse();
    }

    @Test
    void mapStreamAndEventlessHandlersAcceptAnyTrigger() {
        for (var id : List.of("Echo", "Stream", "Bytes", "NoEvent")) {
            var signature = lambda.handlerSignature(id);
            assertThat(List.of(HTTP, SQS, S3)).as(id).allMatch(signature::accepts);
        }
        assertThat(lambda.handlerSignature("Stream").kind()).isEqualTo(Kind.STREAM);
        assertThat(lambda.handlerSignature("Bytes").kind()).isEqualTo(Kind.STREAM);
    }

    @Test
    void namedMethodTakingS3EventAcceptsS3Notifications() {
        var signature = lambda.handlerSignature("Upload");

        assertThat(signature.method()).isEqualTo("onUpload");
        assertThat(signature.inputType()).isEqualTo("com.amazonaws.services.lambda.runtime.events.S3Event");
        assertThat(signature.accepts(S3)).isTrue();
        assertThat(signature.accepts(SQS)).isFalse();
    }

    @Test
    void missingClassMethodOrInterfaceIsASetupProblemNamingTheFunction() {
        assertThatThrownBy(() -> lambda.handlerSignature("Missing"))
                .isInstanceOf(FunctionSetupException.class)
                .hasMessage("Function Missing: handler class " + FIXTURES + "NoSuchHandler not found in the function's code");
        assertThatThrownBy(() -> lambda.handlerSignature("NoMethod"))
                .hasMessageContaining("NoMethod: handler class " + FIXTURES + "SignatureFixtures$Methods has no public method missing");
        assertThatThrownBy(() -> lambda.handlerSignature("NotAHandler"))
                .hasMessageContaining("implements neither RequestHandler nor RequestStreamHandler");
    }

    @Test
    void inspectionRunsNoStaticInitializer() {
        assertThat(lambda.handlerSignature("BrokenInit").inputType()).isEqualTo("java.util.Map");
    }
}
