/**
 * A retry of failed records of a sync into a sink (a sync definition's), now: the records' raw data
 * goes through the definition's stages again and a row that passes is written through the sink
 * (its `Destination` and `RowLedger`, as a window writes), never over a newer state:
 *
 * - a key the ledger holds with the same data hash needs no write: the record is `retried`;
 * - a key the ledger holds as deleted, with a newer row version, or last seen by a run that started
 *   after the failure was recorded is not written: the record is closed as `stale`;
 * - a row the destination parks (its parent is missing) or refuses again keeps its record open.
 *
 * Of several records of one key only the newest is retried; the others are closed as `superseded`.
 * Written rows close every other open failure of their key, of the same definition, in the
 * transaction that records them in the ledger.
 */
import type { EntityManifest, SourceRecord } from "@syncflow/adapter-core"
import { Effect, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { IngestRow } from "../destination/TableDestination.ts"
import type { LedgerEntry, LedgerScope } from "../ledger/RowLedger.ts"
import { planChanges } from "../stages/delta/planChanges.ts"
import { type Applied, applyChanges } from "../stages/ingest/applyChanges.ts"
import { toIngestRows } from "../stages/ingest/toIngestRows.ts"
import { makeStages, runStagesLoading, type StagesOptions } from "../stages/Stages.ts"
import { trackApplied } from "../stages/track/trackApplied.ts"
import type { FailedRecord } from "../state/FailedRecord.ts"
import { FailedRecordStore } from "../state/FailedRecordStore.ts"
import { PendingChildStore } from "../state/PendingChildStore.ts"
import { RunStore } from "../state/RunStore.ts"
import type { RetryOutcome } from "./retryFailedBatch.ts"
import type { SyncSink } from "./SyncSink.ts"

/** What a sink's retry needs: the source connector's entity, the sink, its stage options and the record ids. */
export interface RetrySinkFailedRequest {
  readonly connectorId: string
  readonly manifest: EntityManifest
  readonly sink: SyncSink
  readonly stages?: StagesOptions | undefined
  /** The records to retry; those that are not the sink's open records are left alone. */
  readonly ids: ReadonlyArray<string>
}

const decodeRawRecord = Schema.decodeUnknownOption(Schema.Record(Schema.String, Schema.Unknown))

/** Retries the sink's failed records `ids` now (see the module comment). */
export const retrySinkFailed = Effect.fn("SyncEngine.retrySinkFailed")(function* (request: RetrySinkFailedRequest) {
  const { connectorId, manifest, sink } = request
  const failedStore = yield* FailedRecordStore
  const pendingStore = yield* PendingChildStore
  const runStore = yield* RunStore
  const sql = yield* SqlClient.SqlClient
  const definitionId = sink.syncId
  const records = (yield* failedStore.takeFailedRecords(request.ids)).filter(
    (record) =>
      record.connectorId === connectorId &&
      record.entity === manifest.entity &&
      Option.getOrUndefined(record.definitionId) === definitionId
  )
  // The newest record of each key is the one to retry; the older ones are superseded by it.
  const newest = new Map<string, FailedRecord>()
  const older: Array<string> = []
  for (const record of records) {
    const key = record.businessKey ?? `record:${record.id}`
    const seen = newest.get(key)
    if (seen === undefined || Number(seen.id) < Number(record.id)) {
      if (seen !== undefined) older.push(seen.id)
      newest.set(key, record)
    } else older.push(record.id)
  }
  const retried = [...newest.values()].flatMap((record) => {
    const raw = decodeRawRecord(record.rawData)
    return Option.isSome(raw) ? [{ record, raw: raw.value }] : []
  })
  const stages = yield* makeStages(manifest, request.stages)
  const staged = yield* runStagesLoading(
    stages,
    retried.map((entry) => entry.raw)
  )
  const recordOf = new Map<SourceRecord, FailedRecord>(retried.map((entry) => [entry.raw, entry.record]))
  const passed = staged.ok.flatMap((row) => {
    const record = recordOf.get(row.raw)
    return record === undefined ? [] : [{ record, row: toIngestRows([row], manifest.cursorField)[0]! }]
  })
  const scope: LedgerScope = { syncId: definitionId, target: sink.target }
  const known = yield* sink.ledger.lookup(
    scope,
    passed.map((entry) => entry.row._bk_hash)
  )
  /** Whether the ledger's row is newer than the record's (or deleted): then the record is stale. */
  const isStale = Effect.fnUntraced(function* (record: FailedRecord, row: IngestRow, entry: LedgerEntry) {
    if (entry.deleted) return true
    const version = row._row_version
    if (typeof version === "string" && entry.rowVersion !== null) return version <= entry.rowVersion
    if (entry.lastSeenRun === null || entry.lastSeenRun === record.runId) return false
    const run = yield* runStore.getRun(entry.lastSeenRun)
    // A run that started after the failure was recorded read a newer state of the source.
    return Option.match(run, {
      onNone: () => false,
      onSome: (found) => found.startedAt.epochMilliseconds >= record.createdAt.epochMilliseconds
    })
  })
  const fresh: Array<{ readonly record: FailedRecord; readonly row: IngestRow }> = []
  const same: Array<string> = []
  const stale: Array<string> = []
  for (const entry of passed) {
    const found = known.get(entry.row._bk_hash)
    if (found === undefined) fresh.push(entry)
    else if (yield* isStale(entry.record, entry.row, found)) stale.push(entry.record.id)
    else if (found.dataHash === entry.row._data_hash) same.push(entry.record.id)
    else fresh.push(entry)
  }
  const runId = fresh[0]?.record.runId ?? records[0]?.runId ?? globalThis.crypto.randomUUID()
  const plan = yield* planChanges(
    sink.ledger,
    scope,
    fresh.map((entry) => entry.row),
    runId
  )
  const apply = applyChanges(sink.destination, sink.target, plan.changes, {
    syncId: definitionId,
    runId,
    window: `retry-${records.map((record) => record.id).join(",")}`
  })
  const track = (applied: Applied) =>
    Effect.gen(function* () {
      yield* trackApplied(sink.ledger, scope, applied, runId)
      const written = new Set(applied.written.map((row) => row.bkHash))
      const writtenRecords = fresh.filter((entry) => written.has(entry.row._bk_hash)).map((entry) => entry.record.id)
      const resolved = [...same, ...writtenRecords]
      if (resolved.length > 0) yield* failedStore.resolveFailedRecords(resolved, "retried")
      if (written.size > 0) {
        yield* failedStore.supersedeFailedRecords(connectorId, manifest.entity, [...written], definitionId)
        yield* pendingStore.removePendingChildren(connectorId, manifest.entity, [...written], definitionId)
      }
      if (older.length > 0) yield* failedStore.resolveFailedRecords(older, "superseded")
      if (stale.length > 0) yield* failedStore.resolveFailedRecords(stale, "stale")
      return resolved.length
    })
  const resolved = sink.destination.capabilities.transactional
    ? yield* sql.withTransaction(Effect.flatMap(apply, track))
    : yield* Effect.flatMap(apply, (applied) => sql.withTransaction(track(applied)))
  return {
    resolved,
    stillWaiting: records.length - older.length - stale.length - resolved,
    movedToFailed: 0,
    stale: stale.length + older.length
  } satisfies RetryOutcome
})
