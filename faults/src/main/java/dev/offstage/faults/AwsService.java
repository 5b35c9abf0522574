package dev.offstage.faults;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The services faults are injected into, with the operations that change state (the writes). */
public enum AwsService {
    DYNAMODB("dynamodb", Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
            "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction")),
    SQS("sqs", Set.of("SendMessage", "SendMessageBatch", "DeleteMessage", "DeleteMessageBatch",
            "ChangeMessageVisibility", "ChangeMessageVisibilityBatch")),
    S3("s3", Set.of("PutObject", "CopyObject", "DeleteObject", "DeleteObjects", "CreateMultipartUpload", "UploadPart",
            "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "PutObjectTagging", "DeleteObjectTagging"));

    private final String settingName;
    private final Set<String> writes;

    AwsService(String settingName, Set<String> writes) {
        this.settingName = settingName;
        this.writes = writes;
    }

    /** The name used in {@code services=}: {@code dynamodb}, {@code sqs}, {@code s3}. */
    public String settingName() {
        return settingName;
    }

    /** Whether {@code operation} (the SDK's operation name, e.g. {@code PutItem}) changes state. */
    public boolean isWrite(String operation) {
        return writes.contains(operation);
    }

    static Optional<AwsService> named(String settingName) {
        for (var service : values()) {
            if (service.settingName.equals(settingName)) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }

    /** The service of an SDK client, from its service name ({@code DynamoDb}, {@code Sqs}, {@code S3}); empty for others. */
    static Optional<AwsService> ofSdkServiceName(String serviceName) {
        return serviceName == null ? Optional.empty() : named(serviceName.toLowerCase(Locale.ROOT));
    }
}
