/**
 * The typed error of one API whose metadata cannot be used: it names the API (its slug), its
 * position in the discovery list, and the path of the offending field inside that API's metadata.
 */
import { InvalidResponse, sampleOf } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { NameCollision } from "../naming/NameCollision.ts"

/** One API's metadata is malformed or inconsistent, so that API cannot be synced. */
export class InvalidApiMetadata extends Schema.TaggedError<InvalidApiMetadata>()("InvalidApiMetadata", {
  /** The API's slug, or `#<index>` when the slug itself is missing or unreadable. */
  slug: Schema.String,
  /** The API's position in the `GET /api/v1/apis` list, from 0. */
  index: Schema.Int,
  /** The path of the offending field inside the API's metadata, e.g. `columns[2].data_type`. */
  path: Schema.String,
  /** What is wrong, starting with the API and the path. */
  message: Schema.String,
  /** The start of the API's metadata as received. */
  sample: Schema.String,
  /** When two names normalize to one identifier: which two (the API is refused rather than mixed). */
  collision: Schema.optionalKey(NameCollision)
}) {}

/**
 * The same problem as an adapter-core `InvalidResponse` of the discovery endpoint, with the path
 * taken from the list (`[3].columns[2].data_type`), for callers that must fail with an `AdapterError`.
 */
export const toInvalidResponse = (error: InvalidApiMetadata, endpoint: string): InvalidResponse =>
  new InvalidResponse({
    endpoint,
    reason: "schema",
    path: `[${error.index}]${error.path === "" ? "" : error.path.startsWith("[") ? error.path : `.${error.path}`}`,
    message: error.message,
    sample: sampleOf(error.sample)
  })
