/**
 * What the n8n destination sends a webhook workflow: one delivery per batch of a sync's window,
 * with the sync, the run, the window, the entity, the batch's idempotency key (also sent as the
 * `Idempotency-Key` header) and its changes — each an `insert`, `update` or `delete` of the record
 * whose business-key hash is `key`. A workflow that has already processed a key can skip it: a
 * delivery repeated after a crash carries the same key and the same changes.
 *
 * What n8n answers decides each change's outcome: any 2xx accepts every change, unless the body
 * (from a "Respond to Webhook" node) holds `results`, one per change by `index`, whose `status`
 * `refused` or `invalid` (with `message`, and `field` for `invalid`) makes that record a failed
 * record; a 400, 409 or 422 refuses every change of the delivery with n8n's message.
 */
import type { SourceRecord, WriteContext, WriteOperation, WriteResult } from "@syncflow/adapter-core"
import { Option, Schema } from "effect"
import type { WebhookAnswer } from "../webhook/WebhookAnswer.ts"

/** One change of a delivery. */
export interface DeliveryChange {
  readonly op: "insert" | "update" | "delete"
  /** The record's business-key hash: its identity across inserts, updates and deletes. */
  readonly key: string
  /** The record's fields (absent for a delete). */
  readonly record?: SourceRecord | undefined
}

/** The body of one delivery. */
export interface DeliveryBody {
  readonly syncId: string | null
  readonly runId: string | null
  readonly window: string | null
  readonly batch: number | null
  readonly entity: string
  readonly idempotencyKey: string | null
  readonly changes: ReadonlyArray<DeliveryChange>
}

/** A change's business-key hash: the record's `keyField` for an insert, the target id otherwise. */
const keyOf = (operation: WriteOperation, keyField: string): string =>
  operation.op === "create" ? String(operation.record[keyField] ?? "") : operation.id

/** The delivery of a batch of write operations. */
export const deliveryOf = (
  entity: string,
  operations: ReadonlyArray<WriteOperation>,
  keyField: string,
  options: { readonly idempotencyKey?: string | undefined; readonly context?: WriteContext | undefined }
): DeliveryBody => ({
  syncId: options.context?.syncId ?? null,
  runId: options.context?.runId ?? null,
  window: options.context?.window ?? null,
  batch: options.context?.batch ?? null,
  entity,
  idempotencyKey: options.idempotencyKey ?? null,
  changes: operations.map((operation): DeliveryChange => {
    const key = keyOf(operation, keyField)
    return operation.op === "create"
      ? { op: "insert", key, record: operation.record }
      : operation.op === "update"
        ? { op: "update", key, record: operation.record }
        : { op: "delete", key }
  })
})

/** Per-change results a "Respond to Webhook" node may answer. */
const AnswerResults = Schema.Struct({
  results: Schema.Array(
    Schema.Struct({
      index: Schema.Int,
      status: Schema.Literals(["ok", "refused", "invalid"]),
      message: Schema.optionalKey(Schema.String),
      field: Schema.optionalKey(Schema.String)
    })
  )
})

const decodeResults = Schema.decodeUnknownOption(AnswerResults)

const messageOf = (body: unknown): string => {
  if (typeof body === "string") return body.slice(0, 500)
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") {
    return body.message
  }
  return JSON.stringify(body ?? null).slice(0, 500)
}

/** The outcome of each operation of a delivery, from n8n's answer (see the module comment). */
export const resultsOf = (
  operations: ReadonlyArray<WriteOperation>,
  keyField: string,
  answer: WebhookAnswer
): Array<WriteResult> => {
  if (answer.status >= 300) {
    const message = `n8n refused the delivery: ${messageOf(answer.body)}`
    return operations.map(() => ({ _tag: "refused", status: answer.status, message }))
  }
  const byIndex = Option.match(decodeResults(answer.body), {
    onNone: () => new Map<number, (typeof AnswerResults.Type)["results"][number]>(),
    onSome: (decoded) => new Map(decoded.results.map((result) => [result.index, result]))
  })
  return operations.map((operation, index): WriteResult => {
    const result = byIndex.get(index)
    if (result?.status === "refused") {
      return { _tag: "refused", status: answer.status, message: result.message ?? "refused by the workflow" }
    }
    if (result?.status === "invalid") {
      return { _tag: "invalid", field: result.field, message: result.message ?? "invalid for the workflow" }
    }
    const id = keyOf(operation, keyField)
    return operation.op === "create"
      ? { _tag: "created", id }
      : operation.op === "update"
        ? { _tag: "updated", id }
        : { _tag: "deleted", id }
  })
}
