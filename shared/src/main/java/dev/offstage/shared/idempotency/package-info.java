/**
 * Idempotency on DynamoDB: run work once per key and return its stored result to duplicates.
 *
 * <p>Start at {@link dev.offstage.shared.idempotency.Idempotency}; configure it with
 * {@link dev.offstage.shared.idempotency.IdempotencyConfig}; describe a call with
 * {@link dev.offstage.shared.idempotency.IdempotentCall}; the table layout is on
 * {@link dev.offstage.shared.idempotency.IdempotencyTable}; failures are the subclasses of
 * {@link dev.offstage.shared.idempotency.IdempotencyException}. Plain Java: no AspectJ, no
 * annotations, no reflection beyond the shared JSON mapper.
 */
package dev.offstage.shared.idempotency;
