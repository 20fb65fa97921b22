/**
 * `GET /api/v1/{entity}?page=&page_size=`: every live record of an entity ordered by `uid` (a
 * full export, for reconciliation), and `GET /api/v1/{entity}?erp_key_hash=H1,H2,...`: the live
 * records of up to 1,000 business-key hashes (the lookup before a create or an update).
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** The most records one export page or one lookup holds. */
export const MAX_PAGE_SIZE = 1000

/** The most hashes one lookup may name. */
export const MAX_LOOKUP_KEYS = 1000

/** A stored record: its `uid`, the three ERP identity fields and the entity's fields. */
export const StoredRecord = Schema.StructWithRest(
  Schema.Struct({
    uid: Schema.String,
    erp_key_hash: Schema.String
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/** A stored record. */
export type StoredRecord = typeof StoredRecord.Type

/** One page of the export. */
export const RecordPage = Schema.Struct({
  items: Schema.Array(StoredRecord),
  page: Schema.Int,
  page_size: Schema.Int,
  has_more: Schema.Boolean
})

/** One page of the export. */
export type RecordPage = typeof RecordPage.Type

/** The export: page-number pagination from page 1, at most 1,000 records a page. */
export const ListRecords = defineEndpoint({
  entity: "record",
  module: "records",
  name: "list",
  method: "GET",
  path: "/api/v1/:entity",
  params: { entity: Schema.String },
  query: { pageSize: { max: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE } },
  response: RecordPage,
  pagination: (p) =>
    p.pageNumber({
      items: (body) => body.items,
      hasMore: (body) => body.has_more && body.items.length > 0,
      pageParam: "page",
      sizeParam: "page_size",
      firstPage: 1
    })
})

/** The answer of a lookup: the records of the hashes that exist. */
export const LookupAnswer = Schema.Struct({ items: Schema.Array(StoredRecord) })

/** The lookup by `erp_key_hash` (comma-separated, at most {@link MAX_LOOKUP_KEYS}). */
export const LookupRecords = defineEndpoint({
  entity: "record",
  module: "records",
  name: "lookup",
  method: "GET",
  path: "/api/v1/:entity",
  params: { entity: Schema.String },
  response: LookupAnswer
})
