/**
 * One cycle of a two-way definition: everything that changed on either side since the last cycle
 * is settled, so both sides end equal (on the fields that flow each way). In order:
 * 1. conflicts users resolved (`TwoWayConflicts.resolve`) are written to both sides and closed;
 * 2. the connector's records changed since the cursor (its cursor field, `since`; all of them in a
 *    `complete` cycle) are read page by page and each settled against its table row;
 * 3. table rows whose connector create was not seen to finish are created (or adopted: a record
 *    the listing found with exactly the values sent is the one created);
 * 4. in a `complete` cycle, records the listing did not see are deleted in the connector;
 * 5. the keys of the table's change log (rows users changed) are settled;
 * 6. the cursor is saved.
 * Settling a record is `resolveRecord` on the ledger's base and both sides' versions (a side whose
 * hash is the one SyncFlow last wrote or saw did not change: no echo), then the connector's write,
 * then the table's write with the ledger (and the conflict's closing) in one transaction. A write
 * the connector refuses is a failed record of the definition (`refusedWrites`), and the cycle goes
 * on; the record is tried again by the next cycle. A cycle
 * killed at any point and run again finds what was written by the hashes and the versions, and
 * writes only what is missing: nothing is lost and nothing is written twice.
 */
import { randomUUID } from "node:crypto"
import type { Adapter, AdapterError, EntityManifest, SourceRecord, WriteResult } from "@syncflow/adapter-core"
import { Effect, type Schema, Stream } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { DefinitionNotRunnable } from "../definitions/DefinitionErrors.ts"
import { FailedRecordStore } from "../state/FailedRecordStore.ts"
import type { StateStoreError } from "../state/StateStoreError.ts"
import { holdCycleLock } from "./cycleLock.ts"
import { type FieldValues, hashOf, sameValue, valuesOf } from "./FieldValues.ts"
import { openFailedKeys, type RefusedWrite, refusalReason, refusalSignature, refusedRecord } from "./refusedWrites.ts"
import { policiesOf, type RecordDecision, resolveRecord, type SideVersion } from "./resolveRecord.ts"
import { closeConflict, heldKeys, recordConflict, resolvedConflicts } from "./TwoWayConflicts.ts"
import * as Ledger from "./TwoWayLedger.ts"
import { pulls, pushes, type SyncedField, syncedFields, type TwoWaySettings } from "./TwoWaySettings.ts"
import * as Table from "./TwoWayTable.ts"

/** What a cycle runs on: the definition's id and settings, its table, and the connector's entity. */
export interface TwoWayCycleInput {
  readonly definitionId: string
  /** The connector the definition syncs with (its failed records are kept under it). */
  readonly connectorId: string
  readonly settings: TwoWaySettings
  readonly schema: string
  readonly table: string
  /** The connector's adapter (it must write the entity). */
  readonly adapter: Adapter
  /** The connector entity's manifest (its business key is the record's id, its cursor field the modification time). */
  readonly manifest: EntityManifest
}

/** How a cycle reads the connector: changes since the cursor (`incremental`, default) or every record (`complete`, which also finds deletes). */
export interface TwoWayCycleOptions {
  readonly mode?: "incremental" | "complete" | undefined
  readonly pageSize?: number | undefined
}

/** What a cycle did. */
export interface TwoWayCycleSummary {
  readonly cycleId: string
  readonly mode: "incremental" | "complete"
  /** Connector records read. */
  readonly listed: number
  /** Table rows the change log named. */
  readonly tableChanges: number
  /** Writes to the connector. */
  readonly source: { created: number; updated: number; deleted: number }
  /** Writes to the table. */
  readonly table: { written: number; deleted: number }
  /** Conflicts resolved by their policy. */
  readonly conflicts: number
  /** Conflicts held for a user (manual). */
  readonly held: number
  /** Resolutions of held conflicts written to both sides. */
  readonly resolutionsApplied: number
  /** Records the connector refused (failed records of the definition, retried by the next cycle). */
  readonly failed: ReadonlyArray<{ readonly key: string; readonly reason: string }>
}

const chunk = 500

/** What a cycle fails with: the connector unreachable (after its retries), or the database. */
type CycleError = AdapterError | SqlError.SqlError | Schema.SchemaError | StateStoreError

const parseTime = (value: unknown): number | null => {
  if (typeof value !== "string" && typeof value !== "number") return null
  const at = typeof value === "number" ? value : Date.parse(value)
  return Number.isFinite(at) ? at : null
}

const recordOf = (fields: ReadonlyArray<SyncedField>, values: FieldValues): SourceRecord =>
  Object.fromEntries(fields.map((f) => [f.field, values[f.field] ?? null]))

const withBase = (values: FieldValues, fields: ReadonlyArray<SyncedField>, base: FieldValues): FieldValues => ({
  ...values,
  ...Object.fromEntries(fields.map((f) => [f.field, base[f.field] ?? null]))
})

/**
 * Runs one cycle of a two-way definition (see the module comment), holding the definition's cycle
 * lock (`holdCycleLock`): a cycle of the same definition running elsewhere is waited for.
 */
export const runTwoWayCycle = Effect.fn("TwoWay.cycle")(function* (
  input: TwoWayCycleInput,
  options: TwoWayCycleOptions = {}
) {
  return yield* Effect.scoped(Effect.andThen(holdCycleLock(input.definitionId), cycle(input, options)))
})

const cycle = Effect.fnUntraced(function* (input: TwoWayCycleInput, options: TwoWayCycleOptions) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const { definitionId, settings, adapter, manifest } = input
  const writer = adapter.write
  if (writer === undefined) {
    return yield* new DefinitionNotRunnable({ id: definitionId, message: `${adapter.name} cannot write records` })
  }
  const entity = manifest.entity
  const fields = syncedFields(settings)
  const pullFields = fields.filter(pulls)
  const pushFields = fields.filter(pushes)
  const decide = { fields, ...policiesOf(settings) }
  const deletes = settings.deletes ?? "propagate"
  const spec: Table.TwoWayTableSpec = { definitionId, schema: input.schema, table: input.table, fields }
  yield* Table.ensureTable(sql, spec)

  const mode = options.mode ?? "incremental"
  const cycleId = randomUUID()
  const idField = manifest.businessKey[0] ?? "id"
  const cursorField = manifest.cursorField
  const counts = {
    listed: 0,
    tableChanges: 0,
    source: { created: 0, updated: 0, deleted: 0 },
    table: { written: 0, deleted: 0 },
    conflicts: 0,
    held: 0,
    resolutionsApplied: 0
  }
  const failed: Array<{ readonly key: string; readonly reason: string }> = []
  const failedKeys = new Set<string>()
  const failedRecords = yield* FailedRecordStore
  const refusedContext = { definitionId, connectorId: input.connectorId, entity }
  // Keys with an open failed record: a write of one of them closes it.
  const openKeys = yield* openFailedKeys(refusedContext)
  const valuesOrNull = (side: SideVersion): FieldValues | null => (side.deleted ? null : side.values)
  /** Records a write the connector refused as a failed record; the cycle goes on without the record. */
  const fail = (
    target: {
      readonly key: string
      readonly sourceId: string | null
      readonly source: SideVersion
      readonly table: SideVersion
    },
    operation: RefusedWrite["operation"],
    sent: SourceRecord | null,
    result: WriteResult
  ) =>
    Effect.gen(function* () {
      const reason = refusalReason(result)
      failed.push({ key: target.key, reason })
      failedKeys.add(target.key)
      const record = refusedRecord(refusedContext, {
        key: target.key,
        sourceId: target.sourceId,
        operation,
        sent,
        table: valuesOrNull(target.table),
        source: valuesOrNull(target.source),
        result
      })
      const signature = refusalSignature(record.message, record.mapped)
      // The same refusal as the open failed record's: that record stands for it.
      if (openKeys.get(target.key) !== signature) {
        yield* failedRecords.recordFailedRecords([record])
        openKeys.set(target.key, signature)
      }
      yield* Effect.logWarning("two-way: the connector refused a record").pipe(
        Effect.annotateLogs({ definitionId, key: target.key, reason })
      )
    })
  /** Closes the key's open failed record: in the transaction that wrote the key, or once both sides agree. */
  const closeFailed = (key: string) =>
    openKeys.has(key)
      ? Effect.tap(failedRecords.supersedeFailedRecords(input.connectorId, entity, [key], definitionId), () =>
          Effect.sync(() => openKeys.delete(key))
        )
      : Effect.void

  const sourceVersionOf = (record: SourceRecord, entry: Ledger.LedgerRecord | undefined): SideVersion => {
    const values = valuesOf(fields, record, (f) => f.field)
    const modifiedAt = cursorField === undefined ? null : parseTime(record[cursorField])
    // As SyncFlow last wrote or saw it: unchanged (whatever the connector made of the values it was sent).
    return entry !== undefined && entry.sourceHash === hashOf(pullFields, values)
      ? { deleted: false, values: withBase(values, pullFields, entry.base), modifiedAt }
      : { deleted: false, values, modifiedAt }
  }
  const tableVersionOf = (row: Table.TableRow | undefined, entry: Ledger.LedgerRecord | undefined): SideVersion => {
    if (row === undefined || row.deleted) return { deleted: true }
    return entry !== undefined && entry.tableHash === hashOf(pushFields, row.values)
      ? { deleted: false, values: withBase(row.values, pushFields, entry.base), modifiedAt: row.modifiedAt }
      : { deleted: false, values: row.values, modifiedAt: row.modifiedAt }
  }

  /** Writes the agreed record (or its deletion) to both sides and the ledger; false when the connector refused. */
  const apply = (target: {
    readonly key: string
    readonly entry: Ledger.LedgerRecord | undefined
    readonly sourceId: string | null
    readonly source: SideVersion
    readonly table: SideVersion
    readonly result: FieldValues | "deleted"
    /** The connector's version is not known: send every field that flows to it. */
    readonly sendAll?: boolean | undefined
    /** Closed in the table's transaction (a resolved conflict). */
    readonly conflictId?: string | undefined
    /** The connector no longer has the record: settle again as deleted there (default), or create it. */
    readonly onMissing: "resettle" | "create"
  }): Effect.Effect<boolean, CycleError> =>
    Effect.gen(function* () {
      const { key, source, table, result } = target
      let sourceId = target.sourceId
      const close = target.conflictId === undefined ? Effect.void : closeConflict(sql, target.conflictId)
      if (result === "deleted") {
        if (!source.deleted && sourceId !== null) {
          if (deletes === "propagate") {
            const done = yield* writer.delete(entity, sourceId)
            if (done._tag !== "deleted" && done._tag !== "notFound") {
              return yield* Effect.as(fail(target, "delete", null, done), false)
            }
            counts.source.deleted++
          } else if (deletes === "soft" && settings.softDelete !== undefined) {
            const mark = { [settings.softDelete.field]: settings.softDelete.value }
            const done = yield* writer.update(entity, sourceId, mark)
            if (done._tag !== "updated" && done._tag !== "notFound") {
              return yield* Effect.as(fail(target, "update", mark, done), false)
            }
            counts.source.updated++
          }
        }
        yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* Table.asWriter(sql, spec)
            if (!table.deleted && deletes !== "ignore") {
              yield* Table.deleteRow(sql, spec, key, deletes === "soft")
              counts.table.deleted++
            }
            const detach = deletes !== "propagate" && !(source.deleted && table.deleted)
            yield* detach
              ? Ledger.save(
                  sql,
                  definitionId,
                  { key, sourceId, base: {}, sourceHash: null, tableHash: null, state: "detached" },
                  cycleId
                )
              : Ledger.remove(sql, definitionId, key)
            yield* close
            yield* closeFailed(key)
          })
        )
        return true
      }

      let sourceAfter: FieldValues
      if (source.deleted || sourceId === null) {
        // Created in the connector: the ledger says so first, so a cycle killed after the create adopts it.
        yield* Ledger.save(
          sql,
          definitionId,
          { key, sourceId: null, base: result, sourceHash: null, tableHash: null, state: "creating" },
          cycleId
        )
        const sent = recordOf(pushFields, result)
        const created = yield* writer.create(entity, sent)
        if (created._tag !== "created") return yield* Effect.as(fail(target, "create", sent, created), false)
        counts.source.created++
        sourceId = created.id
        sourceAfter = created.record === undefined ? result : valuesOf(fields, created.record, (f) => f.field)
      } else {
        const changed = pushFields.filter(
          (f) => target.sendAll === true || !sameValue(result[f.field], source.values[f.field])
        )
        sourceAfter = source.values
        if (changed.length > 0) {
          const sent = recordOf(changed, result)
          const updated = yield* writer.update(entity, sourceId, sent)
          if (updated._tag === "notFound") {
            return yield* target.onMissing === "create"
              ? apply({ ...target, source: { deleted: true } })
              : settle(key, target.entry, sourceId, { deleted: true }, table)
          }
          if (updated._tag !== "updated") return yield* Effect.as(fail(target, "update", sent, updated), false)
          counts.source.updated++
          sourceAfter =
            updated.record === undefined
              ? { ...source.values, ...result }
              : valuesOf(fields, updated.record, (f) => f.field)
        }
      }
      const finalSourceId = sourceId
      yield* sql.withTransaction(
        Effect.gen(function* () {
          yield* Table.asWriter(sql, spec)
          const changed = table.deleted
            ? fields
            : pullFields.filter((f) => !sameValue(result[f.field], table.values[f.field]))
          if (changed.length > 0 || table.deleted || target.sourceId !== finalSourceId) {
            yield* Table.upsertRow(sql, spec, key, finalSourceId, changed, result)
            counts.table.written++
          }
          const tableAfter = table.deleted ? result : { ...table.values, ...recordOf(changed, result) }
          yield* Ledger.save(
            sql,
            definitionId,
            {
              key,
              sourceId: finalSourceId,
              base: result,
              sourceHash: hashOf(pullFields, sourceAfter),
              tableHash: hashOf(pushFields, tableAfter as FieldValues),
              state: "synced"
            },
            cycleId
          )
          yield* close
          yield* closeFailed(key)
        })
      )
      return true
    })

  /** Decides a record and applies the decision; false when the connector refused it. */
  const settle = (
    key: string,
    entry: Ledger.LedgerRecord | undefined,
    sourceId: string | null,
    source: SideVersion,
    table: SideVersion
  ): Effect.Effect<boolean, CycleError> =>
    Effect.gen(function* () {
      const base = entry === undefined || entry.state !== "synced" ? undefined : entry.base
      const decision: RecordDecision = resolveRecord(decide, base, source, table)
      // Both sides agree: a refused write of the record is moot (its row was set back, say).
      if (decision._tag === "Unchanged") return yield* Effect.as(closeFailed(key), true)
      const at = new Date(yield* Effect.clockWith((clock) => clock.currentTimeMillis))
      if (decision._tag === "Held") {
        yield* recordConflict(sql, { definitionId, key, sourceId, base, finding: decision.conflict, at })
        counts.held++
        return true
      }
      if (decision.conflict !== undefined) {
        yield* recordConflict(sql, { definitionId, key, sourceId, base, finding: decision.conflict, at })
        counts.conflicts++
      }
      return yield* apply({ key, entry, sourceId, source, table, result: decision.result, onMissing: "resettle" })
    })

  // 1. Resolutions of held conflicts.
  const applyResolutions: Effect.Effect<void, CycleError> = Effect.gen(function* () {
    const skip = new Set<string>()
    while (true) {
      const resolved = (yield* resolvedConflicts(sql, definitionId, 100)).filter((c) => !skip.has(c.id))
      if (resolved.length === 0) return
      for (const conflict of resolved) {
        const entries = yield* Ledger.byKeys(sql, definitionId, [conflict.recordKey])
        const rows = yield* Table.readRows(sql, spec, [conflict.recordKey])
        const entry = entries.get(conflict.recordKey)
        const row = rows.get(conflict.recordKey)
        const sourceId = entry?.sourceId ?? conflict.sourceId
        const record = conflict.resolution?.record ?? null
        const ok = yield* apply({
          key: conflict.recordKey,
          entry,
          sourceId,
          source:
            sourceId === null ? { deleted: true } : { deleted: false, values: conflict.source ?? {}, modifiedAt: null },
          table: tableVersionOf(row, undefined),
          result: record === null ? "deleted" : record,
          sendAll: true,
          conflictId: conflict.id,
          onMissing: "create"
        })
        if (ok) counts.resolutionsApplied++
        else skip.add(conflict.id)
      }
    }
  })
  yield* applyResolutions

  // 2. The connector's changes.
  const pending = new Map((yield* Ledger.creating(sql, definitionId)).map((c) => [c.key, c]))
  const previous = mode === "complete" ? undefined : yield* Ledger.readCursor(sql, definitionId)
  let cursor: { text: string; at: number } | undefined
  let cap: number | undefined
  yield* adapter
    .streamPages(entity, { ...(previous === undefined ? {} : { since: previous }), pageSize: options.pageSize ?? 100 })
    .pipe(
      Stream.runForEach((page) =>
        Effect.gen(function* () {
          const records = page.items
          counts.listed += records.length
          const ids = records.map((record) => String(record[idField]))
          const entries = new Map(yield* Ledger.bySourceIds(sql, definitionId, ids))
          // A create whose answer was not recorded: the record with exactly the values sent is ours.
          for (const [index, record] of records.entries()) {
            const id = ids[index] ?? ""
            if (entries.has(id) || pending.size === 0) continue
            const values = valuesOf(fields, record, (f) => f.field)
            const mine = [...pending.values()].find((c) =>
              pushFields.every((f) => sameValue(c.base[f.field], values[f.field]))
            )
            if (mine === undefined) continue
            pending.delete(mine.key)
            const adopted: Ledger.LedgerRecord = {
              ...mine,
              sourceId: id,
              sourceHash: hashOf(pullFields, values),
              tableHash: hashOf(pushFields, mine.base),
              state: "synced"
            }
            yield* sql.withTransaction(
              Effect.gen(function* () {
                yield* Table.asWriter(sql, spec)
                yield* Table.linkRow(sql, spec, mine.key, id)
                yield* Ledger.save(sql, definitionId, adopted, cycleId)
              })
            )
            entries.set(id, adopted)
          }
          const keys = [...entries.values()].map((entry) => entry.key)
          const rows = yield* Table.readRows(sql, spec, keys)
          const held = yield* heldKeys(sql, definitionId, keys)
          for (const [index, record] of records.entries()) {
            const id = ids[index] ?? ""
            const at = cursorField === undefined ? null : parseTime(record[cursorField])
            if (at !== null && cursorField !== undefined && (cursor === undefined || at > cursor.at)) {
              cursor = { text: String(record[cursorField]), at }
            }
            const entry = entries.get(id)
            if (entry?.state === "detached" || (entry !== undefined && held.has(entry.key))) continue
            const key = entry?.key ?? randomUUID()
            const ok = yield* settle(
              key,
              entry,
              id,
              sourceVersionOf(record, entry),
              entry === undefined ? { deleted: true } : tableVersionOf(rows.get(entry.key), entry)
            )
            if (!ok && at !== null) cap = cap === undefined ? at : Math.min(cap, at)
          }
          if (mode === "complete") yield* Ledger.markSeen(sql, definitionId, ids, cycleId)
        })
      )
    )

  // 3. Creates not seen to finish.
  for (const entry of pending.values()) {
    const rows = yield* Table.readRows(sql, spec, [entry.key])
    const row = rows.get(entry.key)
    if (row === undefined || row.deleted) yield* Ledger.remove(sql, definitionId, entry.key)
    else yield* settle(entry.key, undefined, null, { deleted: true }, tableVersionOf(row, undefined))
  }

  // 4. Deleted in the connector (a complete listing did not see them).
  if (mode === "complete") {
    const skip = new Set<string>()
    while (true) {
      const unseen = (yield* Ledger.unseen(sql, definitionId, cycleId, chunk + skip.size)).filter(
        (e) => !skip.has(e.key)
      )
      if (unseen.length === 0) break
      const keys = unseen.map((entry) => entry.key)
      const rows = yield* Table.readRows(sql, spec, keys)
      const held = yield* heldKeys(sql, definitionId, keys)
      for (const entry of unseen) {
        if (held.has(entry.key)) {
          skip.add(entry.key)
          continue
        }
        const ok = yield* settle(
          entry.key,
          entry,
          entry.sourceId,
          { deleted: true },
          tableVersionOf(rows.get(entry.key), entry)
        )
        // Still unseen (held now, refused, or recreated later): not again in this cycle.
        skip.add(entry.key)
        if (!ok) continue
      }
    }
  }

  // 5. The table's changes.
  while (true) {
    const changes = yield* Table.changedKeys(sql, spec, [...failedKeys], chunk)
    if (changes.length === 0) break
    const keys = changes.map((change) => change.key)
    counts.tableChanges += keys.length
    const entries = yield* Ledger.byKeys(sql, definitionId, keys)
    const rows = yield* Table.readRows(sql, spec, keys)
    const held = yield* heldKeys(sql, definitionId, keys)
    const consumed: Array<string> = []
    for (const change of changes) {
      const entry = entries.get(change.key)
      const row = rows.get(change.key)
      let ok = true
      if (held.has(change.key) || entry?.state === "detached" || entry?.state === "creating") {
        // Held: its resolution decides. Detached: no longer synced. Creating: settled in step 3.
      } else if (entry === undefined || entry.sourceId === null) {
        if (row !== undefined && !row.deleted) {
          ok = yield* settle(change.key, undefined, null, { deleted: true }, tableVersionOf(row, undefined))
        }
      } else {
        // Not listed since the cursor: the connector has the record as the ledger last knew it.
        ok = yield* settle(
          change.key,
          entry,
          entry.sourceId,
          { deleted: false, values: entry.base, modifiedAt: null },
          tableVersionOf(row, entry)
        )
      }
      if (ok) consumed.push(...change.seqs)
    }
    yield* Table.consumeChanges(sql, consumed)
  }

  // 6. The cursor: the greatest modification read, but not past a record the connector refused.
  if (cursor !== undefined && (cap === undefined || cap >= cursor.at)) {
    yield* Ledger.saveCursor(sql, definitionId, cursor.text)
  }
  const summary: TwoWayCycleSummary = { cycleId, mode, ...counts, failed }
  yield* Effect.logInfo("two-way cycle finished").pipe(
    Effect.annotateLogs({ definitionId, cycleId, mode, conflicts: counts.conflicts, held: counts.held })
  )
  return summary
})
