/**
 * Structured logging for Lambda: an SLF4J 2 provider that writes one JSON object per line on
 * stdout with the invocation's fields ({@link dev.offstage.shared.logging.LambdaLogging}), MDC
 * keys and fluent key-values, and masks secrets ({@link dev.offstage.shared.logging.Redaction}).
 * Callers use the SLF4J API only.
 */
package dev.offstage.shared.logging;
