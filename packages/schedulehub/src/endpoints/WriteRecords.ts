/**
 * The write endpoints: `POST /api/v1/{entity}` (create, with `Idempotency-Key`), `PATCH
 * /api/v1/{entity}/{uid}`, `DELETE /api/v1/{entity}/{uid}` and `POST /api/v1/{entity}/batch`
 * (at most 1,000 operations, 207 with one result per operation). Refusals of one record (404,
 * 409, 422) are answers with a body, decoded by `WriteAnswer`.
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { StoredRecord } from "./ListRecords.ts"

/** The most operations one batch may hold. */
export const MAX_BATCH_OPERATIONS = 1000

/** A record as written: fields by name (the ERP identity fields included). */
export const RecordBody = Schema.Record(Schema.String, Schema.Unknown)

/** `POST /api/v1/{entity}`: 201 with the stored record. */
export const CreateRecord = defineEndpoint({
  entity: "record",
  module: "records",
  name: "create",
  method: "POST",
  path: "/api/v1/:entity",
  params: { entity: Schema.String },
  payload: RecordBody,
  response: StoredRecord,
  status: 201
})

/** `PATCH /api/v1/{entity}/{uid}`: 200 with the stored record. */
export const UpdateRecord = defineEndpoint({
  entity: "record",
  module: "records",
  name: "update",
  method: "PATCH",
  path: "/api/v1/:entity/:uid",
  params: { entity: Schema.String, uid: Schema.String },
  payload: RecordBody,
  response: StoredRecord
})

/** `DELETE /api/v1/{entity}/{uid}`: 204. */
export const DeleteRecord = defineEndpoint({
  entity: "record",
  module: "records",
  name: "delete",
  method: "DELETE",
  path: "/api/v1/:entity/:uid",
  params: { entity: Schema.String, uid: Schema.String },
  response: Schema.Unknown,
  status: 204
})

/** One operation of a batch, on the wire. */
export const BatchOperation = Schema.Union([
  Schema.Struct({ op: Schema.Literal("create"), record: RecordBody }),
  Schema.Struct({ op: Schema.Literal("update"), uid: Schema.String, record: RecordBody }),
  Schema.Struct({ op: Schema.Literal("delete"), uid: Schema.String })
])

/** One operation of a batch, on the wire. */
export type BatchOperation = typeof BatchOperation.Type

/** The result of one operation: the status and body its single-record endpoint would have given. */
export const BatchResult = Schema.StructWithRest(Schema.Struct({ index: Schema.Int, status: Schema.Int }), [
  Schema.Record(Schema.String, Schema.Unknown)
])

/** The result of one operation. */
export type BatchResult = typeof BatchResult.Type

/** `POST /api/v1/{entity}/batch`: 207 with one result per operation, not atomic. */
export const BatchRecords = defineEndpoint({
  entity: "record",
  module: "records",
  name: "batch",
  method: "POST",
  path: "/api/v1/:entity/batch",
  params: { entity: Schema.String },
  payload: Schema.Struct({ operations: Schema.Array(BatchOperation) }),
  response: Schema.Struct({ results: Schema.Array(BatchResult) }),
  status: 207
})
