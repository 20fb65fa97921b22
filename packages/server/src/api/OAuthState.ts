/**
 * The `state` of an OAuth2 authorization: which connector it is for and until when it is valid,
 * signed with a key derived from the secret key, so the (unauthenticated) callback can trust it and
 * a forged or expired state is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { Option, Redacted, Schema } from "effect"

/** How long a user has to approve the application: 15 minutes. */
export const stateTtlMillis = 15 * 60 * 1000

const Payload = Schema.Struct({ connectorId: Schema.String, expiresAt: Schema.Number, nonce: Schema.String })
const decodePayload = Schema.decodeUnknownOption(Schema.fromJsonString(Payload))

const mac = (key: Redacted.Redacted<string>, text: string): string =>
  createHmac("sha256", Redacted.value(key)).update(`oauth-state:${text}`).digest("base64url")

/** A signed state for a connector, valid for {@link stateTtlMillis} from `nowMillis`. */
export const sign = (key: Redacted.Redacted<string>, connectorId: string, nowMillis: number): string => {
  const payload = Buffer.from(
    JSON.stringify({ connectorId, expiresAt: nowMillis + stateTtlMillis, nonce: randomBytes(12).toString("base64url") })
  ).toString("base64url")
  return `${payload}.${mac(key, payload)}`
}

/** The connector of a state signed with `key` and not expired at `nowMillis`. */
export const verify = (key: Redacted.Redacted<string>, state: string, nowMillis: number): Option.Option<string> => {
  const [payload = "", signature = ""] = state.split(".")
  const expected = Buffer.from(mac(key, payload))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return Option.none()
  return decodePayload(Buffer.from(payload, "base64url").toString("utf8")).pipe(
    Option.filter((decoded) => decoded.expiresAt > nowMillis),
    Option.map((decoded) => decoded.connectorId)
  )
}
