/**
 * A `RowLedger` in memory, for tests (exported from `@syncflow/sync-engine/testing`): the same
 * semantics as `SqlRowLedger`, kept in a map per sync. Not durable: a new layer starts empty.
 */
import { Effect, Layer } from "effect"
import { type LedgerChange, type LedgerEntry, RowLedger, type UnseenRow } from "./RowLedger.ts"

/** Builds an empty memory ledger. */
export const make = (): RowLedger["Service"] => {
  const entries = new Map<string, Map<string, LedgerEntry>>()
  const seen = new Map<string, Set<string>>()
  const ofSync = (syncId: string): Map<string, LedgerEntry> => {
    let found = entries.get(syncId)
    if (found === undefined) {
      found = new Map()
      entries.set(syncId, found)
    }
    return found
  }
  const seenKey = (syncId: string, runId: string) => JSON.stringify([syncId, runId])
  const markSeen = (syncId: string, runId: string, bkHashes: Iterable<string>) => {
    const key = seenKey(syncId, runId)
    const set = seen.get(key) ?? new Set<string>()
    for (const bk of bkHashes) set.add(bk)
    seen.set(key, set)
  }

  return RowLedger.of({
    compare: (scope, rows, runId) =>
      Effect.sync(() => {
        const known = ofSync(scope.syncId)
        const changes: Array<LedgerChange> = []
        const unchanged: Array<string> = []
        rows.forEach((row, index) => {
          const entry = known.get(row.bkHash)
          if (entry === undefined || entry.deleted) changes.push({ index, targetId: null })
          else if (entry.dataHash !== row.dataHash) changes.push({ index, targetId: entry.targetId })
          else unchanged.push(row.bkHash)
        })
        markSeen(scope.syncId, runId, unchanged)
        return changes
      }),
    record: (scope, rows, runId) =>
      Effect.sync(() => {
        const known = ofSync(scope.syncId)
        for (const row of rows) {
          const before = known.get(row.bkHash)
          known.set(row.bkHash, {
            bkHash: row.bkHash,
            dataHash: row.dataHash,
            rowVersion: row.rowVersion ?? null,
            targetId: row.targetId ?? before?.targetId ?? null,
            lastSeenRun: runId,
            deleted: false
          })
        }
      }),
    touch: (scope, bkHashes, runId) => Effect.sync(() => markSeen(scope.syncId, runId, bkHashes)),
    unseen: (scope, runId) =>
      Effect.sync(() => {
        const marks = seen.get(seenKey(scope.syncId, runId)) ?? new Set<string>()
        const rows: Array<UnseenRow> = []
        for (const entry of ofSync(scope.syncId).values()) {
          if (!entry.deleted && entry.lastSeenRun !== runId && !marks.has(entry.bkHash)) {
            rows.push({ bkHash: entry.bkHash, targetId: entry.targetId })
          }
        }
        return rows.sort((a, b) => (a.bkHash < b.bkHash ? -1 : a.bkHash > b.bkHash ? 1 : 0))
      }),
    markDeleted: (scope, bkHashes) =>
      Effect.sync(() => {
        const known = ofSync(scope.syncId)
        let marked = 0
        for (const bk of new Set(bkHashes)) {
          const entry = known.get(bk)
          if (entry !== undefined && !entry.deleted) {
            known.set(bk, { ...entry, deleted: true })
            marked++
          }
        }
        return marked
      }),
    forgetSeen: (scope, runId) =>
      Effect.sync(() => {
        seen.delete(seenKey(scope.syncId, runId))
      }),
    isEmpty: (scope) => Effect.sync(() => ofSync(scope.syncId).size === 0),
    lookup: (scope, bkHashes) =>
      Effect.sync(() => {
        const known = ofSync(scope.syncId)
        const found = new Map<string, LedgerEntry>()
        for (const bk of bkHashes) {
          const entry = known.get(bk)
          if (entry !== undefined) found.set(bk, entry)
        }
        return found
      })
  })
}

/** A fresh memory ledger per layer build. */
export const layer: Layer.Layer<RowLedger> = Layer.sync(RowLedger, make)
