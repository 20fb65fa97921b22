/**
 * How alert deliveries are signed, and how a receiver verifies them. Each delivery carries
 *
 * - `X-SyncFlow-Timestamp`: the Unix time (seconds) it was sent at;
 * - `X-SyncFlow-Signature`: `v1=` and the hex HMAC-SHA256, keyed with the webhook's secret, of
 *   `<timestamp>.<body>` (the timestamp, a dot, the raw body bytes);
 * - `X-SyncFlow-Delivery`: the id of the state change (`<alert id>-<firing|resolved>`), the same on
 *   every attempt and every webhook: a receiver that has seen it can ignore a repeat;
 * - `X-SyncFlow-Event`: `alert.firing` or `alert.resolved`.
 *
 * A receiver recomputes the HMAC over the raw body, compares it in constant time, and refuses
 * timestamps too far from its own clock (5 minutes by default) so a captured request cannot be
 * replayed later.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { Redacted } from "effect"

/** The header carrying the send time (Unix seconds). */
export const timestampHeader = "x-syncflow-timestamp"
/** The header carrying the signature (`v1=<hex>`). */
export const signatureHeader = "x-syncflow-signature"
/** The header carrying the state change's id. */
export const deliveryHeader = "x-syncflow-delivery"
/** The header carrying the event (`alert.firing`, `alert.resolved`). */
export const eventHeader = "x-syncflow-event"

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")

/** The signature of `body` sent at `timestamp` (Unix seconds): `v1=<hex HMAC-SHA256>`. */
export const signAlertDelivery = (secret: Redacted.Redacted<string>, timestamp: number, body: string): string =>
  `v1=${hmac(Redacted.value(secret), timestamp, body)}`

/** What a receiver checks. */
export interface SignedDelivery {
  /** The raw body, exactly as received. */
  readonly body: string
  /** The `X-SyncFlow-Timestamp` header. */
  readonly timestamp: string | null | undefined
  /** The `X-SyncFlow-Signature` header. */
  readonly signature: string | null | undefined
}

/**
 * Whether a delivery was signed with `secret` and sent within `toleranceSeconds` (300 by default)
 * of `nowSeconds` (the receiver's Unix time).
 */
export const verifyAlertDelivery = (
  secret: string,
  delivery: SignedDelivery,
  nowSeconds: number,
  toleranceSeconds = 300
): boolean => {
  const timestamp = Number(delivery.timestamp)
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false
  const match = /^v1=([0-9a-f]{64})$/.exec(delivery.signature ?? "")
  if (match?.[1] === undefined) return false
  return timingSafeEqual(Buffer.from(match[1], "hex"), Buffer.from(hmac(secret, timestamp, delivery.body), "hex"))
}
