/**
 * The errors of the admin API, each with its HTTP status. Bodies are JSON with a `message`;
 * `InvalidField` also names the offending `field`.
 */
import { Schema } from "effect"

/** The resource does not exist (404). */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  { message: Schema.String },
  { httpApiStatus: 404 }
) {}

/** A field of the request is wrong (400); `field` is its path, e.g. `config.baseUrl`. */
export class InvalidField extends Schema.TaggedError<InvalidField>()(
  "InvalidField",
  { field: Schema.String, message: Schema.String },
  { httpApiStatus: 400 }
) {}

/** The request conflicts with the current state, e.g. a connector name already taken (409). */
export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  { field: Schema.optional(Schema.String), message: Schema.String },
  { httpApiStatus: 409 }
) {}

/** The upstream API failed or refused (502). */
export class UpstreamFailed extends Schema.TaggedError<UpstreamFailed>()(
  "UpstreamFailed",
  { message: Schema.String },
  { httpApiStatus: 502 }
) {}

/** SyncFlow could not do it now: a database failure, or syncs cannot be started (503). */
export class Unavailable extends Schema.TaggedError<Unavailable>()(
  "Unavailable",
  { message: Schema.String },
  { httpApiStatus: 503 }
) {}
