/**
 * Creates the application's tables, queues and buckets in the emulators:
 * {@link dev.offstage.local.resources.ResourceProvisioner} returns the
 * {@link dev.offstage.local.resources.ProvisionedResources} it made, with their URLs and ARNs.
 */
package dev.offstage.local.resources;
