package dev.offstage.ops.aws;

/** The region has no CloudFormation stack of that name. */
public final class StackNotFoundException extends RuntimeException {

    public StackNotFoundException(String stackName, Throwable cause) {
        super("Stack '" + stackName + "' not found: check --stack and --region (or AWS_REGION)", cause);
    }
}
