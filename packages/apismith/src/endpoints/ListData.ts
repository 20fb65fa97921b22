/**
 * `GET /api/v1/data/{slug}?page=&page_size=&rowversion_gt=`: an API's rows, by page number.
 */
import { defineEndpoint, QueryStyle } from "@syncflow/adapter-core"
import { Effect, Schema, SchemaParser } from "effect"
import { RowVersion } from "../rows/RowVersion.ts"

/** The most rows APISmith returns in one page, whatever the client asks. */
export const MAX_PAGE_SIZE = 1000

/** The value of an Oracle key column: text, a number, or null. */
export const OracleKeyValue = Schema.Union([Schema.String, Schema.Number, Schema.Null])

/** The fields of a row, checked field by field (used to explain a row that is not well-formed). */
const DataRowFields = Schema.Struct({
  oracle_keys: Schema.Record(Schema.String, OracleKeyValue),
  row_version: RowVersion,
  data: Schema.Record(Schema.String, Schema.Unknown)
})

/** One row of an API. */
export type DataRow = typeof DataRowFields.Type

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const ROW_VERSION = /^\d{14}$/

/** A well-formed row, checked in one pass without copying it (the common case, on the hot path). */
const isDataRow = (u: unknown): u is DataRow => {
  if (!isRecord(u)) return false
  const keys = u.oracle_keys
  const version = u.row_version
  if (!isRecord(keys) || !isRecord(u.data) || typeof version !== "string" || !ROW_VERSION.test(version)) return false
  for (const key in keys) {
    const value = keys[key]
    if (value !== null && typeof value !== "string" && typeof value !== "number") return false
  }
  return true
}

/**
 * One row: its Oracle key columns (uppercase, e.g. `PART_NO`), its row version, and its data by
 * output alias. Data values stay as they came (Oracle realities included); the sync engine's
 * normalizer interprets them with the column metadata. A well-formed row is accepted as parsed
 * (no copy, about ten times faster than a field-by-field decode); any other is decoded field by
 * field, so the failure names the field (`rows[3].row_version`).
 */
export const DataRow = Schema.declareConstructor<DataRow>()(
  [],
  () => (input, _ast, options) =>
    isDataRow(input) ? Effect.succeed(input) : SchemaParser.decodeUnknownEffect(DataRowFields)(input, options),
  { identifier: "DataRow" }
)

/** One page of rows; `has_more` says whether a next page exists (an empty `rows` also ends the listing). */
export const DataPage = Schema.Struct({
  rows: Schema.Array(DataRow),
  page: Schema.Int,
  page_size: Schema.Int,
  has_more: Schema.Boolean
})

/** One page of rows. */
export type DataPage = typeof DataPage.Type

/**
 * The data endpoint: page-number pagination from page 1, `page_size` capped at {@link MAX_PAGE_SIZE},
 * and an optional `rowversion_gt` filter (typed as `filter: { rowversion: { gt } }`).
 */
export const ListData = defineEndpoint({
  entity: "row",
  module: "data",
  name: "list",
  method: "GET",
  path: "/api/v1/data/:slug",
  params: { slug: Schema.String },
  query: { filterable: ["rowversion"], pageSize: { max: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE } },
  queryStyle: QueryStyle.flat,
  response: DataPage,
  pagination: (p) =>
    p.pageNumber({
      items: (body) => body.rows,
      hasMore: (body) => body.has_more && body.rows.length > 0,
      pageParam: "page",
      sizeParam: "page_size",
      firstPage: 1
    })
})
