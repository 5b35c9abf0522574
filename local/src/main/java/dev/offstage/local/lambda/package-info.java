/**
 * The local Lambda service: execution environments that run functions exactly as Lambda's
 * {@code java25} runtime does, and the {@link dev.offstage.local.lambda.Invoker} contract the
 * triggers (HTTP API, SQS, S3) call.
 *
 * <p>Each execution environment is a JVM process running the AWS Lambda Runtime Interface Client
 * ({@code AWSLambda <handler>}) against a small local implementation of the Lambda Runtime API,
 * so events reach handlers through the runtime's own serializers and handlers see a real
 * {@code Context}. Entry point: {@link dev.offstage.local.lambda.LambdaService}.
 */
package dev.offstage.local.lambda;
