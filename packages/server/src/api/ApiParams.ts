/**
 * Path and query parameters shared by the admin API's endpoint groups (`groups/`).
 */
import { Schema } from "effect"

/** A connector id as given in a request body: 1 to 100 letters, digits, `.`, `_` or `-`. */
export const ConnectorId = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, {
    message: "expected 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit"
  })
)

/** The `limit` query parameter of listings: an integer from 1 to 10000. */
export const Limit = Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 10_000 }))

/** The path parameters of a connector's routes. */
export const connectorParams = { connectorId: Schema.String }

/** The path parameters of an entity's routes. */
export const entityParams = { connectorId: Schema.String, entity: Schema.String }
