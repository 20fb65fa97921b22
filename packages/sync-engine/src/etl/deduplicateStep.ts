/**
 * The `deduplicate` step: one row per `key`, which becomes the rows' identity (the definition's table
 * is keyed by it). Which record wins: `last` (default; the last listed), `{ latest: field }` (the
 * greatest value of the field) or `{ earliest: field }` (the least). Within a window the winner is
 * chosen among the window's rows; across windows, a row meets the one an earlier window of the same
 * run wrote or found unchanged under its key (`_last_seen_run`, or the run's seen ids and keys) and replaces
 * it only when it wins (`last` always does). A row stored by
 * an earlier run is replaced: on a complete listing its record comes again if it still exists and
 * still wins. Values compare as numbers when both read as numbers, otherwise as text.
 */
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { readOwn } from "../stages/Fields.ts"
import { makeBusinessKeyHash } from "../stages/identity/BusinessKeyHash.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { DeduplicateStep } from "./EtlStep.ts"
import { keyText } from "./SyncedTable.ts"
import { stepFailure } from "./stepFailure.ts"

const numeric = /^-?\d+(\.\d+)?$/

/** -1, 0 or 1: `a` against `b` (numbers as numbers, others as text; null is least). */
export const compareValues = (a: unknown, b: unknown): number => {
  const x = keyText(a)
  const y = keyText(b)
  if (x === null || y === null) return x === y ? 0 : x === null ? -1 : 1
  if (numeric.test(x) && numeric.test(y)) return Math.sign(Number(x) - Number(y))
  return x < y ? -1 : x > y ? 1 : 0
}

/** Compiles a deduplicate step. */
export const compileDeduplicate = Effect.fnUntraced(function* (input: StepInput, step: typeof DeduplicateStep.Type) {
  const { label, target } = input
  const known = new Set(input.columns.map((c) => c.name))
  for (const [index, field] of step.key.entries()) {
    if (!known.has(field)) {
      return yield* new EtlRunError({
        step: label,
        message: `key[${index}]: the rows have no field ${JSON.stringify(field)}`
      })
    }
  }
  const keep = step.keep ?? "last"
  const by = keep === "last" ? undefined : "latest" in keep ? keep.latest : keep.earliest
  const sign = keep !== "last" && "latest" in keep ? 1 : -1
  if (by !== undefined && !known.has(by)) {
    return yield* new EtlRunError({ step: label, message: `keep: the rows have no field ${JSON.stringify(by)}` })
  }
  const hasher = yield* makeBusinessKeyHash(step.key).pipe(
    Effect.mapError((e) => new EtlRunError({ step: label, message: e.message }))
  )
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
  /** Whether `challenger` beats `holder` (ties: the later one, the challenger, wins). */
  const wins = (challenger: unknown, holder: unknown) =>
    by === undefined || sign * compareValues(challenger, holder) >= 0

  const apply = (rows: ReadonlyArray<EtlRow>, window: { readonly runId: string }) =>
    Effect.gen(function* () {
      const winners = new Map<string, EtlRow>()
      const failures = []
      for (const [index, row] of rows.entries()) {
        const keyHash = hasher.hash(row.mapped)
        if (keyHash === undefined) {
          const field = step.key.find((f) => readOwn(row.mapped, f) == null) ?? step.key[0] ?? ""
          failures.push(stepFailure(label, row, index, { field, message: "a key field is null", value: null }))
          continue
        }
        const holder = winners.get(keyHash)
        if (holder === undefined || wins(by && readOwn(row.mapped, by), by && readOwn(holder.mapped, by))) {
          // Re-inserted so the map's order is the order of the last winners.
          winners.delete(keyHash)
          winners.set(keyHash, { ...row, keyHash })
        }
      }
      if (by !== undefined && winners.size > 0) {
        const sql = (yield* SqlClient.SqlClient).withoutTransforms()
        const stored = yield* sql
          .unsafe<{ readonly bk: string; readonly value: unknown }>(
            `SELECT t._bk_hash AS bk, t.${quote(by)}::text AS value FROM ${quote(target.schema)}.${quote(target.table)} t
             WHERE t._bk_hash = ANY($1::text[]) AND NOT t._deleted
               AND (t._last_seen_run = $2::uuid OR EXISTS (
                 SELECT 1 FROM syncflow.destination_seen s
                 WHERE s.run_id = $2::uuid AND s.table_name = $3
                   AND (t._id <@ s.ids OR t._bk_hash = ANY(s.bk_hashes))))`,
            [[...winners.keys()], window.runId, `${target.schema}.${target.table}`]
          )
          .pipe(Effect.mapError((e) => new EtlRunError({ step: label, message: e.message })))
        for (const row of stored) {
          const challenger = winners.get(row.bk)
          if (challenger !== undefined && !wins(readOwn(challenger.mapped, by), row.value)) winners.delete(row.bk)
        }
      }
      return { rows: [...winners.values()], failures, skipped: [] }
    })

  const compiled: CompiledStep = { label, columns: input.columns, key: step.key, apply }
  return compiled
})
