/**
 * Writes the connector refused in a two-way cycle (a 422 on one record, say) as failed records of
 * the definition (`syncflow.failed_records`, stage `ingest`): the reason, both sides' versions of
 * the record as raw data and what was sent as mapped data, keyed by the table row's `_key`. The cycle
 * goes on; the next cycle tries the record again (its table change is kept, the connector's cursor
 * held before it), and once a write of the key goes through its open failed record is closed
 * (`superseded`). The same refusal again (same message, same write) keeps the open failed record;
 * a different one replaces it. A retry from the API or the CLI is one cycle (`retryTwoWayFailed`).
 */
import type { SourceRecord, WriteResult } from "@syncflow/adapter-core"
import { Effect } from "effect"
import type { NewFailedRecord } from "../state/FailedRecord.ts"
import { FailedRecordStore } from "../state/FailedRecordStore.ts"
import type { FieldValues } from "./FieldValues.ts"

/** Which failed records a cycle keeps: its definition, source connector and entity. */
export interface RefusedContext {
  readonly definitionId: string
  readonly connectorId: string
  readonly entity: string
}

/** One write the connector refused. */
export interface RefusedWrite {
  /** The table row's `_key`. */
  readonly key: string
  readonly sourceId: string | null
  /** The write: `create`, `update` or `delete`. */
  readonly operation: "create" | "update" | "delete"
  /** What was sent (`null` for a delete). */
  readonly sent: SourceRecord | null
  /** The table's version of the record (`null`: deleted there). */
  readonly table: FieldValues | null
  /** The connector's version as the cycle knew it (`null`: deleted there or not created yet). */
  readonly source: FieldValues | null
  readonly result: WriteResult
}

/** Why the connector refused a write, as the failed record's message says it. */
export const refusalReason = (result: WriteResult): string => {
  switch (result._tag) {
    case "invalid":
      return result.field === undefined ? result.message : `${result.field}: ${result.message}`
    case "refused":
      return `refused (${result.status}): ${result.message}`
    case "parentMissing":
      return `parent ${result.parentEntity} ${result.parentKey} is missing`
    case "conflict":
      return `conflict with record ${result.id}`
    default:
      return `unexpected answer ${result._tag}`
  }
}

/** The failed record of a refused write (see the module comment). */
export const refusedRecord = (context: RefusedContext, refused: RefusedWrite): NewFailedRecord => ({
  connectorId: context.connectorId,
  entity: context.entity,
  definitionId: context.definitionId,
  runId: null,
  stage: "ingest",
  errorType: refused.result._tag === "invalid" && refused.result.field !== undefined ? "InvalidField" : "Refused",
  message: `${refused.operation} in the connector: ${refusalReason(refused.result)}`,
  businessKey: refused.key,
  raw: { key: refused.key, sourceId: refused.sourceId, table: refused.table, source: refused.source },
  mapped: refused.sent
})

/** What tells one refusal from another: the message and what was sent (its fields in name order). */
export const refusalSignature = (message: string, sent: unknown): string => {
  const fields =
    sent !== null && typeof sent === "object" && !Array.isArray(sent)
      ? Object.entries(sent).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      : sent
  return JSON.stringify([message, fields ?? null])
}

/**
 * The keys of the definition's open failed records (the ones a write of the key closes), each with
 * its refusal's signature (`refusalSignature`).
 */
export const openFailedKeys = Effect.fnUntraced(function* (context: RefusedContext) {
  const store = yield* FailedRecordStore
  const keys = new Map<string, string>()
  let afterId: string | undefined
  while (true) {
    const page = yield* store.listFailedRecords({
      connectorId: context.connectorId,
      entity: context.entity,
      definitionId: context.definitionId,
      limit: 500,
      afterId
    })
    for (const record of page) {
      if (record.businessKey !== null) keys.set(record.businessKey, refusalSignature(record.message, record.mappedData))
    }
    const last = page.at(-1)
    if (last === undefined || page.length < 500) return keys
    afterId = last.id
  }
})
