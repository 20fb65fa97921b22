/**
 * One stream of a declarative source: where its records are (path, query, record selector), what
 * identifies them, how to list only the changed ones, how pages chain, which parent stream it hangs
 * under, its column types, and how its records are shaped (extracted fields, flattening, selection).
 */
import { ColumnType } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { FieldPathInput } from "./FieldPath.ts"
import { PaginationSpec } from "./PaginationSpec.ts"

const Identifier = Schema.String.check(
  Schema.makeFilter((name: string) => /^[a-z_][a-z0-9_]*$/.test(name) || "expected a lower-case name (a-z, 0-9, _)")
)

/** How a listing asks for the records changed since a value of the cursor field. */
export const IncrementalSpec = Schema.Struct({
  /** The record field that orders records by change, e.g. `updated_at`. */
  cursorField: Schema.NonEmptyString,
  /** The query parameter that takes the value, e.g. `since` or `where[updated_at][gte]`. */
  param: Schema.NonEmptyString,
  /** How the value is written: as stored (`raw`, the default), ISO 8601, a date, or Unix seconds/milliseconds. */
  format: Schema.optionalKey(Schema.Literals(["raw", "iso8601", "date", "unix-seconds", "unix-millis"]))
})

/** A stream listed once per record of a parent stream, with fields of the parent in its path. */
export const ParentSpec = Schema.Struct({
  /** The parent stream's name. */
  stream: Schema.NonEmptyString,
  /** Each `{name}` of the path, and the parent record field that fills it; the child records get these fields too. */
  params: Schema.Record(Schema.String, Schema.NonEmptyString)
})

/** A column declared with its type (its nullability defaults to true). */
export const ColumnSpec = Schema.Union([
  ColumnType,
  Schema.Struct({ type: ColumnType, nullable: Schema.optionalKey(Schema.Boolean) })
])

/** How nested objects become columns: `a: {b: 1}` becomes `a_b`; `unwrap` objects lose their prefix. */
export const FlattenSpec = Schema.Struct({
  separator: Schema.optionalKey(Schema.String),
  /** Top-level objects whose fields become top-level fields as they are (e.g. JSON:API `attributes`). */
  unwrap: Schema.optionalKey(Schema.Array(Schema.NonEmptyString)),
  /** How many levels to flatten (unlimited by default); deeper objects stay JSON. */
  maxDepth: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)))
})

/** One stream of a source. */
export const StreamSpec = Schema.Struct({
  /** The entity name (and the table's): lower-case letters, digits and `_`. */
  name: Identifier,
  description: Schema.optionalKey(Schema.String),
  /** The path after the base URL, with `{param}` placeholders filled from the parent record. */
  path: Schema.String.check(
    Schema.makeFilter((path: string) => path.startsWith("/") || 'expected a path starting with "/"')
  ),
  /** `GET` (the default), or `POST` for APIs that list through a search request with a JSON body. */
  method: Schema.optionalKey(Schema.Literals(["GET", "POST"])),
  /** Fixed query parameters of every first page (in the JSON body with `paramsIn: body`). */
  query: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  /** The JSON body of every request of a `POST` stream (e.g. a search's filter). */
  body: Schema.optionalKey(Schema.Record(Schema.String, Schema.Json)),
  /**
   * Where the stream's query, the paging parameters (page, size, offset, cursor token) and the
   * incremental parameter go: the URL's query (the default) or, for a `POST` stream, the JSON body
   * (a dotted name such as `page.size` is a nested field; page numbers, sizes and offsets are numbers).
   */
  paramsIn: Schema.optionalKey(Schema.Literals(["query", "body"])),
  /** Where the array of records is in the body; the body itself when absent. */
  records: Schema.optionalKey(FieldPathInput),
  /** The field(s) identifying a record. */
  primaryKey: Schema.Union([Schema.NonEmptyString, Schema.NonEmptyArray(Schema.NonEmptyString)]),
  incremental: Schema.optionalKey(IncrementalSpec),
  pagination: Schema.optionalKey(PaginationSpec),
  /** The page size to ask for, and the most the upstream allows. */
  pageSize: Schema.optionalKey(
    Schema.Struct({
      default: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
      max: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
    })
  ),
  parent: Schema.optionalKey(ParentSpec),
  /** Column types; when absent they are inferred from the records (`syncflow sources check` shows them). */
  columns: Schema.optionalKey(Schema.Record(Schema.String, ColumnSpec)),
  /** Fields taken from anywhere in the raw record (a pointer or dotted path), before flattening. */
  fields: Schema.optionalKey(Schema.Record(Schema.String, FieldPathInput)),
  /** Top-level fields of the raw record to drop before flattening. */
  exclude: Schema.optionalKey(Schema.Array(Schema.NonEmptyString)),
  /** Flattening of nested objects into columns. */
  flatten: Schema.optionalKey(FlattenSpec),
  /** Keep only these fields of the shaped record (the primary key is always kept). */
  select: Schema.optionalKey(Schema.Array(Schema.NonEmptyString))
})

/** One stream of a source. */
export type StreamSpec = typeof StreamSpec.Type
