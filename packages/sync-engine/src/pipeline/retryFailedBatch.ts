/**
 * One batch of failed-record retries: the records' raw data goes through today's stages again, and a
 * record that passes is written only when it is still newer than what the table holds, so a retry
 * never regresses a row:
 *
 * - a row the table already holds as is (same data hash) needs no write: the record is `retried`;
 * - a row the table holds as soft-deleted is never un-deleted by a retry (the record is closed as
 *   `stale`; a later listing that sees the key writes it);
 * - when the record and the stored row both carry a row version, the record is written only if its
 *   version is newer;
 * - otherwise it is not written over a row that a run started after the failure was recorded wrote
 *   (the row's `_last_seen_run`): that run read a newer state of the source.
 *
 * Every record is retried from its raw data, through today's stages, a record of stage `resolve` (a
 * parked child whose parent never arrived) too; only such a record parked before its raw record was
 * kept (migration 9) has none, and is retried from the mapped row it kept.
 *
 * Of several records of one key, only the newest is retried; the others are closed as `superseded`.
 * Written rows keep the failed record's run as their last run, and close every other open failure of
 * their key, in the same transaction.
 */
import type { EntityManifest, SourceRecord } from "@syncflow/adapter-core"
import { Effect, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { IngestRow, StoredRow, TableDestination } from "../destination/TableDestination.ts"
import type { TableTarget } from "../destination/TableTarget.ts"
import { toIngestRows } from "../stages/ingest/toIngestRows.ts"
import type { ParentLink } from "../stages/resolve/ParentLink.ts"
import { placeOrphans } from "../stages/resolve/placeOrphans.ts"
import { resolveParents } from "../stages/resolve/resolveParents.ts"
import { newLookupWindow, runStagesLoading, type Stages } from "../stages/Stages.ts"
import type { OrphanPolicy } from "../state/EntitySettings.ts"
import type { FailedRecord } from "../state/FailedRecord.ts"
import type { FailedRecordStore } from "../state/FailedRecordStore.ts"
import type { RunStore } from "../state/RunStore.ts"

/** What a retry of parked children or failed records did. */
export interface RetryOutcome {
  /** Records written (or children resolved, or kept orphans whose parents arrived). */
  readonly resolved: number
  /** Records that failed again, or children whose parents are still missing. */
  readonly stillWaiting: number
  /** Children that used their attempts and became failed records. */
  readonly movedToFailed: number
  /** Records not written because the table holds a newer or a deleted row, or a newer record of the key exists. */
  readonly stale: number
}

/** An outcome of nothing. */
export const noRetries: RetryOutcome = { resolved: 0, stillWaiting: 0, movedToFailed: 0, stale: 0 }

/** Adds two outcomes. */
export const addOutcomes = (a: RetryOutcome, b: RetryOutcome): RetryOutcome => ({
  resolved: a.resolved + b.resolved,
  stillWaiting: a.stillWaiting + b.stillWaiting,
  movedToFailed: a.movedToFailed + b.movedToFailed,
  stale: a.stale + b.stale
})

const decodeRawRecord = Schema.decodeUnknownOption(Schema.Record(Schema.String, Schema.Unknown))

/** A mapped row as a parked child keeps it (and a failed record of stage `resolve` after it, retried from it when it has no raw data). */
const decodeMappedRow = Schema.decodeUnknownOption(
  Schema.StructWithRest(Schema.Struct({ _bk_hash: Schema.String, _data_hash: Schema.String }), [
    Schema.Record(Schema.String, Schema.Unknown)
  ])
)

/** What the batch needs. */
export interface RetryContext {
  readonly runStore: RunStore["Service"]
  readonly failedRecordStore: FailedRecordStore["Service"]
  readonly destination: TableDestination["Service"]
  readonly sql: SqlClient.SqlClient
  readonly connectorId: string
  readonly manifest: EntityManifest
  /** The entity's table (in its connector's schema). */
  readonly target: TableTarget
  readonly stages: Stages
  readonly links: ReadonlyArray<ParentLink>
  readonly orphans: OrphanPolicy
}

/**
 * What a retry does with a row the table already holds (see the module comment): `write` it (still
 * newer), nothing because the table holds it already (`same`), or nothing because the table holds a
 * newer or a deleted row (`stale`).
 */
const compareStored = Effect.fnUntraced(function* (
  runStore: RunStore["Service"],
  record: FailedRecord,
  row: IngestRow,
  stored: StoredRow
) {
  if (stored.deleted) return "stale" as const
  if (stored.dataHash === row._data_hash) return "same" as const
  const version = row._row_version
  if (typeof version === "string" && stored.rowVersion !== null) {
    return version > stored.rowVersion ? ("write" as const) : ("stale" as const)
  }
  const lastRun = stored.lastSeenRun ?? null
  if (lastRun === null || lastRun === record.runId) return "write" as const
  const run = yield* runStore.getRun(lastRun)
  // A run that started after the failure was recorded read a newer state of the source.
  const older = Option.match(run, {
    onNone: () => true,
    onSome: (found) => found.startedAt.epochMilliseconds < record.createdAt.epochMilliseconds
  })
  return older ? ("write" as const) : ("stale" as const)
})

/** Retries a batch of claimed failed records of one entity. */
export const retryFailedBatch = Effect.fnUntraced(function* (
  context: RetryContext,
  records: ReadonlyArray<FailedRecord>
) {
  const { runStore, failedRecordStore, destination, sql, connectorId, manifest } = context
  const entity = manifest.entity
  // The newest record of each key is the one to retry; the older ones are superseded by it.
  const newest = new Map<string, FailedRecord>()
  const older: Array<string> = []
  for (const record of records) {
    if (record.businessKey === null) continue
    const seen = newest.get(record.businessKey)
    if (seen === undefined || Number(seen.id) < Number(record.id)) {
      if (seen !== undefined) older.push(seen.id)
      newest.set(record.businessKey, record)
    } else older.push(record.id)
  }
  const skipped = new Set(older)
  const mapped: Array<{ readonly record: FailedRecord; readonly row: IngestRow }> = []
  const retried = records.flatMap((record) => {
    if (skipped.has(record.id)) return []
    const raw = decodeRawRecord(record.rawData)
    if (Option.isSome(raw)) return [{ record, raw: raw.value }]
    if (record.stage === "resolve") {
      const row = decodeMappedRow(record.mappedData)
      if (Option.isSome(row)) mapped.push({ record, row: row.value })
    }
    return []
  })
  // A batch is a window of its own for the mapping's table lookups: read afresh, then dropped.
  newLookupWindow(context.stages)
  const staged = yield* runStagesLoading(
    context.stages,
    retried.map((entry) => entry.raw)
  ).pipe(Effect.provideService(SqlClient.SqlClient, sql))
  // Each row that passed keeps its raw record: that is how it is paired with its failed record.
  const recordOf = new Map<SourceRecord, FailedRecord>(retried.map((entry) => [entry.raw, entry.record]))
  const passed = [
    ...mapped,
    ...staged.ok.flatMap((row) => {
      const record = recordOf.get(row.raw)
      return record === undefined ? [] : [{ record, row: toIngestRows([row], manifest.cursorField)[0]! }]
    })
  ]
  // A value the table still cannot store (its column's type changed upstream) keeps its record failed.
  const check = passed.length === 0 ? undefined : yield* destination.rowCheck(context.target)
  const storable = check === undefined ? passed : passed.filter((entry) => check(entry.row) === undefined)
  const stored = yield* destination.existingHashes(
    context.target,
    storable.map((entry) => entry.row._bk_hash)
  )
  const fresh: Array<{ readonly record: FailedRecord; readonly row: IngestRow }> = []
  const stale: Array<string> = [...older]
  // Records whose row the table already holds, as is: retried, with nothing to write.
  const same: Array<string> = []
  for (const entry of storable) {
    const found = stored.get(entry.row._bk_hash)
    const verdict = found === undefined ? "write" : yield* compareStored(runStore, entry.record, entry.row, found)
    if (verdict === "write") fresh.push(entry)
    else if (verdict === "same") same.push(entry.record.id)
    else stale.push(entry.record.id)
  }
  const resolved = yield* resolveParents(
    destination,
    context.links,
    fresh.map((entry) => entry.row)
  )
  const placed = placeOrphans(
    context.orphans,
    fresh.map((entry) => entry.row),
    resolved,
    context.links.length > 0
  )
  const written = new Set(placed.write)
  const writtenEntries = fresh.filter((entry) => written.has(entry.row))
  yield* sql.withTransaction(
    Effect.gen(function* () {
      // Rows keep the failed record's run as their last run (see `compareStored`).
      const byRun = new Map<string | null, Array<IngestRow>>()
      for (const entry of writtenEntries) {
        const group = byRun.get(entry.record.runId) ?? []
        group.push(entry.row)
        byRun.set(entry.record.runId, group)
      }
      for (const [runId, rows] of byRun) {
        yield* destination.upsert(context.target, rows, runId === null ? {} : { runId })
      }
      if (context.links.length > 0) yield* destination.markParentMissing(context.target, placed.missing, placed.present)
      if (same.length > 0) yield* failedRecordStore.resolveFailedRecords(same, "retried")
      if (writtenEntries.length > 0) {
        yield* failedRecordStore.resolveFailedRecords(
          writtenEntries.map((entry) => entry.record.id),
          "retried"
        )
        yield* failedRecordStore.supersedeFailedRecords(
          connectorId,
          entity,
          writtenEntries.map((entry) => entry.row._bk_hash)
        )
      }
      if (stale.length > 0) {
        const superseded = older.length > 0 ? yield* failedRecordStore.resolveFailedRecords(older, "superseded") : 0
        if (stale.length > older.length)
          yield* failedRecordStore.resolveFailedRecords(stale.slice(older.length), "stale")
        return superseded
      }
      return 0
    })
  )
  return {
    resolved: writtenEntries.length + same.length,
    stillWaiting: records.length - skipped.size - writtenEntries.length - same.length - (stale.length - older.length),
    movedToFailed: 0,
    stale: stale.length
  } satisfies RetryOutcome
})
