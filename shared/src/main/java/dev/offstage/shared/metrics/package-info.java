/**
 * CloudWatch metrics as Embedded Metric Format lines on stdout ({@link dev.offstage.shared.metrics.Metrics}):
 * no API calls, no added latency.
 */
package dev.offstage.shared.metrics;
