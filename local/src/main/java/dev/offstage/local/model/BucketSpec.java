package dev.offstage.local.model;

/** One {@code AWS::S3::Bucket} with its local name (lower case, S3-valid). */
public record BucketSpec(String logicalId, String name, boolean versioned) {}
