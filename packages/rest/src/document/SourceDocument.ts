/**
 * A declarative REST source: the document a user writes (YAML or JSON) instead of an adapter
 * package. It is the `rest` connector's settings, decoded with this schema and published as JSON
 * Schema for editors and the dashboard.
 */
import { HttpUrlInput } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { AuthSpec } from "./AuthSpec.ts"
import { StreamSpec } from "./StreamSpec.ts"
import { validateDocument } from "./validateDocument.ts"

/** A source document. */
export const SourceDocument = Schema.Struct({
  /** The document format version. */
  version: Schema.optionalKey(Schema.Literal(1)),
  title: Schema.optionalKey(Schema.String),
  /** The API's base URL; stream paths are appended to it. */
  baseUrl: HttpUrlInput,
  /** Headers sent with every request (e.g. an API version). */
  headers: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  /** Query parameters sent with every request. */
  query: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  /** How requests authenticate; `none` when absent. */
  auth: Schema.optionalKey(AuthSpec),
  /** The upstream's request budget; unlimited when absent. */
  rateLimit: Schema.optionalKey(
    Schema.Struct({
      limit: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
      windowSeconds: Schema.Number.check(Schema.isGreaterThan(0))
    })
  ),
  /** Retries of transient failures (429, 5xx, timeouts); adapter-core's defaults when absent. */
  retry: Schema.optionalKey(Schema.Struct({ maxAttempts: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)) })),
  /** Per-request timeout in seconds (30 by default). */
  timeoutSeconds: Schema.optionalKey(Schema.Number.check(Schema.isGreaterThan(0))),
  /**
   * How long the discovered streams and columns are reused before a sync rediscovers them (new
   * fields reach the tables at the next sync after this); 600 (10 minutes) by default, 0 before every sync.
   */
  discoveryTtlSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  streams: Schema.NonEmptyArray(StreamSpec)
}).check(Schema.makeFilter((document) => validateDocument(document)))

/** A decoded source document. */
export type SourceDocument = typeof SourceDocument.Type
