/**
 * The `merge` step: several sources' records of the same key into one row. Each source is another
 * synced table whose `on.to` column equals the row's `on.field` (read like a join, once per window);
 * each field takes the first non-null value in the order `precedence` gives (source names, `self`
 * for the row as it is), or `fieldPrecedence[field]` for that field. Fields only a source has are
 * added to the rows.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { readOwn, writeOwn } from "../stages/Fields.ts"
import type { Row } from "../stages/Row.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { MergeStep } from "./EtlStep.ts"
import { columnOf, fetchByKey, keyText, resolveSyncedTable } from "./SyncedTable.ts"

/** Compiles a merge (reads the sources' columns, so their tables must exist). */
export const compileMerge = Effect.fnUntraced(function* (input: StepInput, step: typeof MergeStep.Type) {
  const { label } = input
  const keys = new Set(input.key)
  const columns: Array<ColumnManifest> = [...input.columns]
  const sources: Array<{
    readonly name: string
    readonly on: { readonly field: string; readonly to: string }
    readonly read: ReadonlyArray<ColumnManifest>
    readonly fields: ReadonlyArray<readonly [string, string]>
    readonly fetch: (keys: ReadonlyArray<string>) => ReturnType<typeof fetchByKey>
    readonly cache: Map<string, Row | null>
  }> = []
  for (const source of step.sources) {
    const table = yield* resolveSyncedTable(label, source.from)
    yield* columnOf(label, table, source.on.to)
    const read: Array<ColumnManifest> = []
    for (const [column, as] of Object.entries(source.fields)) {
      const found = yield* columnOf(label, table, column)
      read.push(found)
      if (keys.has(as)) {
        return yield* new EtlRunError({
          step: label,
          message: `${source.name}: ${as} is the rows' key; a merge keeps it`
        })
      }
      if (!columns.some((c) => c.name === as)) columns.push({ ...found, name: as, nullable: true, businessKey: false })
    }
    sources.push({
      name: source.name,
      on: source.on,
      read,
      fields: Object.entries(source.fields),
      fetch: (wanted) => fetchByKey(label, table, source.on.to, read, wanted),
      cache: new Map()
    })
  }
  const order = (field: string): ReadonlyArray<string> => step.fieldPrecedence?.[field] ?? step.precedence

  const apply = (rows: ReadonlyArray<EtlRow>) =>
    Effect.gen(function* () {
      for (const source of sources) {
        const wanted = new Set<string>()
        for (const row of rows) {
          const key = keyText(readOwn(row.mapped, source.on.field))
          if (key !== null && !source.cache.has(key)) wanted.add(key)
        }
        if (wanted.size === 0) continue
        const found = yield* source.fetch([...wanted])
        for (const key of wanted) source.cache.set(key, found.get(key) ?? null)
      }
      const merged = rows.map((row): EtlRow => {
        // Each source's values by the field names they take here.
        const offers = new Map<string, Row>([["self", row.mapped]])
        for (const source of sources) {
          const key = keyText(readOwn(row.mapped, source.on.field))
          const partner = key === null ? null : (source.cache.get(key) ?? null)
          if (partner === null) continue
          const renamed: Record<string, unknown> = {}
          for (const [column, as] of source.fields) writeOwn(renamed, as, readOwn(partner, column))
          offers.set(source.name, renamed)
        }
        const mapped: Record<string, unknown> = {}
        for (const column of columns) {
          let value: unknown = null
          if (keys.has(column.name)) value = readOwn(row.mapped, column.name) ?? null
          else {
            for (const name of order(column.name)) {
              const offered = offers.get(name)
              const candidate = offered === undefined ? undefined : readOwn(offered, column.name)
              if (candidate !== null && candidate !== undefined) {
                value = candidate
                break
              }
            }
          }
          writeOwn(mapped, column.name, value)
        }
        return { ...row, mapped }
      })
      return { rows: merged, failures: [], skipped: [] }
    })

  const compiled: CompiledStep = {
    label,
    columns,
    key: input.key,
    apply,
    windowDone: () => {
      for (const source of sources) source.cache.clear()
    }
  }
  return compiled
})
