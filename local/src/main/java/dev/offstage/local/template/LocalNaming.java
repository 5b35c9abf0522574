package dev.offstage.local.template;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The facts a template is resolved against locally: the stack name that derived physical names
 * start with, the region and account in ARNs, and where the SQS emulator and the HTTP API listen
 * (queue URLs and {@code ApiEndpoint} point there). Also the one place that spells local ARNs
 * and URLs, so that every part of the runtime (environment variables, the Lambda service's
 * invoked-function ARN, S3 event records) agrees on them.
 *
 * @param stackName the stack name, as {@code sam deploy --stack-name} would take it
 * @param sqsEndpoint the SQS endpoint; queue URLs are {@code <sqsEndpoint>/<accountId>/<queueName>},
 *     the form ElasticMQ hands out
 * @param httpApiUrl the HTTP API's base URL ({@code ApiEndpoint}), without a trailing slash
 */
public record LocalNaming(String stackName, String region, String accountId, URI sqsEndpoint, URI httpApiUrl) {

    /** The region the emulators answer for. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** The account id in emulated ARNs and queue URLs. */
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";

    // CloudFormation's rule for stack names.
    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");

    public LocalNaming {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        if (!STACK_NAME.matcher(stackName).matches()) {
            throw new IllegalArgumentException("stack name '" + stackName
                    + "' must start with a letter and hold only letters, digits and hyphens (at most 128)");
        }
        if (!accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("account id must be 12 digits, was '" + accountId + "'");
        }
        sqsEndpoint = withoutTrailingSlash(Objects.requireNonNull(sqsEndpoint, "sqsEndpoint"));
        httpApiUrl = withoutTrailingSlash(Objects.requireNonNull(httpApiUrl, "httpApiUrl"));
    }

    /** Naming in {@link #DEFAULT_REGION} and account {@link #DEFAULT_ACCOUNT_ID}, as the emulators use. */
    public static LocalNaming of(String stackName, URI sqsEndpoint, URI httpApiUrl) {
        return new LocalNaming(stackName, DEFAULT_REGION, DEFAULT_ACCOUNT_ID, sqsEndpoint, httpApiUrl);
    }

    /** {@code AWS::Partition}. */
    public String partition() {
        return "aws";
    }

    /** {@code AWS::URLSuffix}. */
    public String urlSuffix() {
        return "amazonaws.com";
    }

    /** {@code AWS::StackId}: a stack ARN with a fixed id, stable across runs. */
    public String stackId() {
        return "arn:aws:cloudformation:" + region + ":" + accountId + ":stack/" + stackName + "/"
                + PhysicalNames.uuidLike(stackName);
    }

    public String queueUrl(String queueName) {
        return sqsEndpoint + "/" + accountId + "/" + queueName;
    }

    public String queueArn(String queueName) {
        return arn("sqs", queueName);
    }

    public String tableArn(String tableName) {
        return arn("dynamodb", "table/" + tableName);
    }

    /** A table's stream ARN; the label is fixed so that the ARN is stable across runs. */
    public String tableStreamArn(String tableName) {
        return tableArn(tableName) + "/stream/1970-01-01T00:00:00.000";
    }

    /** S3 bucket ARNs carry neither region nor account. */
    public String bucketArn(String bucketName) {
        return "arn:aws:s3:::" + bucketName;
    }

    public String functionArn(String functionName) {
        return arn("lambda", "function:" + functionName);
    }

    public String topicArn(String topicName) {
        return arn("sns", topicName);
    }

    /**
     * What {@code Ref} of a secret gives locally: its ARN without the six random characters
     * Secrets Manager appends at creation — a partial ARN. The template is resolved before anything
     * is created, so the random suffix cannot be known yet; AWS, LocalStack and the local emulator
     * all find a secret by its partial ARN, so functions read it with {@code GetSecretValue}
     * exactly as they read the full ARN in AWS.
     */
    public String secretArn(String secretName) {
        return arn("secretsmanager", "secret:" + secretName);
    }

    /** IAM ARNs carry no region. */
    public String roleArn(String roleName) {
        return "arn:aws:iam::" + accountId + ":role/" + roleName;
    }

    /** An ARN in this region and account: {@code arn:aws:<service>:<region>:<account>:<resource>}. */
    public String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + accountId + ":" + resource;
    }

    /**
     * The id API Gateway would give the HTTP API with this logical id ({@code Ref ServerlessHttpApi}):
     * ten lower-case letters and digits, derived from stack and logical id so it is stable across runs.
     */
    public String apiId(String logicalId) {
        return PhysicalNames.suffix(stackName, logicalId, 10).toLowerCase(java.util.Locale.ROOT);
    }

    private static URI withoutTrailingSlash(URI uri) {
        var text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
