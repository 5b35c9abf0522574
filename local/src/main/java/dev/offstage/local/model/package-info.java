/**
 * The application as the local runtime runs it: {@code template.yaml} resolved to local names,
 * URLs and ARNs. Produced by {@code dev.offstage.local.template}, consumed by the resource
 * provisioner, the Lambda service and the triggers. Plain immutable records.
 */
package dev.offstage.local.model;
