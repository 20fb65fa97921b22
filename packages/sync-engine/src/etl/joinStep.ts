/**
 * The `join` step: adds the fields of another synced table's row whose `on.to` column equals the
 * row's `on.field`. The partners of a window's keys are read in one query, kept for that window. `left` keeps a row
 * without a partner with the joined fields null; `inner` skips it.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { readOwn, writeOwn } from "../stages/Fields.ts"
import type { Row } from "../stages/Row.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { JoinOn, SyncedTableRef } from "./EtlStep.ts"
import { columnOf, fetchByKey, keyText, resolveSyncedTable } from "./SyncedTable.ts"

/** A join's settings (a `join` step's, or a `lookup`'s as a one-field left join). */
export interface JoinSettings {
  readonly from: SyncedTableRef
  readonly on: JoinOn
  readonly joinType: "left" | "inner"
  /** The other table's column -> the field it becomes here. */
  readonly fields: Readonly<Record<string, string>>
}

/** Compiles a join (reads the other table's columns, so its table must exist). */
export const compileJoin = Effect.fnUntraced(function* (input: StepInput, settings: JoinSettings) {
  const { label } = input
  if (!input.columns.some((c) => c.name === settings.on.field)) {
    return yield* new EtlRunError({
      step: label,
      message: `on.field: the rows have no field ${JSON.stringify(settings.on.field)}`
    })
  }
  const table = yield* resolveSyncedTable(label, settings.from)
  yield* columnOf(label, table, settings.on.to)
  const read: Array<ColumnManifest> = []
  const added: Array<ColumnManifest> = []
  for (const [column, as] of Object.entries(settings.fields)) {
    const found = yield* columnOf(label, table, column)
    read.push(found)
    added.push({ ...found, name: as, nullable: true, businessKey: false })
  }
  const addedNames = new Set(added.map((c) => c.name))
  const columns = [...input.columns.filter((c) => !addedNames.has(c.name)), ...added]
  const cache = new Map<string, Row | null>()
  const names = Object.entries(settings.fields)

  const apply = (rows: ReadonlyArray<EtlRow>) =>
    Effect.gen(function* () {
      const wanted = new Set<string>()
      for (const row of rows) {
        const key = keyText(readOwn(row.mapped, settings.on.field))
        if (key !== null && !cache.has(key)) wanted.add(key)
      }
      if (wanted.size > 0) {
        const found = yield* fetchByKey(label, table, settings.on.to, read, [...wanted])
        for (const key of wanted) cache.set(key, found.get(key) ?? null)
      }
      const kept: Array<EtlRow> = []
      const skipped: Array<EtlRow> = []
      for (const row of rows) {
        const key = keyText(readOwn(row.mapped, settings.on.field))
        const partner = key === null ? null : (cache.get(key) ?? null)
        if (partner === null && settings.joinType === "inner") {
          skipped.push(row)
          continue
        }
        const mapped: Record<string, unknown> = { ...row.mapped }
        for (const [column, as] of names)
          writeOwn(mapped, as, partner === null ? null : (readOwn(partner, column) ?? null))
        kept.push({ ...row, mapped })
      }
      return { rows: kept, failures: [], skipped }
    })

  const step: CompiledStep = {
    label,
    columns,
    key: input.key,
    apply,
    windowDone: () => cache.clear()
  }
  return step
})
