/**
 * Secrets from AWS Secrets Manager, read at init and cached for a bounded time.
 *
 * <p>Start at {@link dev.offstage.shared.secrets.Secrets}; configure it with
 * {@link dev.offstage.shared.secrets.SecretsConfig}. A secret that does not exist is a
 * {@link dev.offstage.shared.secrets.SecretNotFoundException}. Values are never logged and never
 * appear in {@code toString()} or exception messages.
 */
package dev.offstage.shared.secrets;
