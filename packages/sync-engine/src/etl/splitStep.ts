/**
 * The `split` step: one record into several rows of a child table (`into`). Each element of the
 * row's `field` — a JSON array, or text cut at `separator` (pieces trimmed, empty ones left out) —
 * becomes a child row holding the parent's `parentKey` fields, the parent's identity
 * (`_parent_bk_hash`), its `_position` (from 0) and the element: in the column `as` (default the
 * field's name), or, for object elements with `elementFields`, those fields as columns. The parent
 * row goes on (without the field when `drop`).
 *
 * The children of a window's parents are replaced in the window's transaction (a parent that lost
 * elements loses their rows); at the end of a complete listing the children of parents it did not
 * see are deleted.
 */
import type { ColumnManifest, ColumnType } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { columnSqlType } from "../destination/ColumnSqlType.ts"
import { withDdlLock } from "../destination/DdlLock.ts"
import { qualified, quote } from "../destination/Identifier.ts"
import { readOwn, writeOwn } from "../stages/Fields.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { SplitStep } from "./EtlStep.ts"

/** The elements of a value: a JSON array's items, or the non-empty trimmed pieces of text. */
const elementsOf = (value: unknown, separator: string | undefined): ReadonlyArray<unknown> => {
  if (value === null || value === undefined) return []
  if (Array.isArray(value)) return value
  if (typeof value === "string") {
    if (separator !== undefined)
      return value.split(separator).flatMap((piece) => (piece.trim() === "" ? [] : [piece.trim()]))
    if (value.trimStart().startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(value)
        if (Array.isArray(parsed)) return parsed
      } catch {
        return [value]
      }
    }
  }
  return [value]
}

/** Compiles a split step. */
export const compileSplit = Effect.fnUntraced(function* (input: StepInput, step: typeof SplitStep.Type) {
  const { label, target } = input
  const fail = (message: string) => new EtlRunError({ step: label, message })
  const field = input.columns.find((c) => c.name === step.field)
  if (field === undefined) return yield* fail(`field: the rows have no field ${JSON.stringify(step.field)}`)
  const parentColumns: Array<ColumnManifest> = []
  for (const [index, name] of step.parentKey.entries()) {
    const column = input.columns.find((c) => c.name === name)
    if (column === undefined) return yield* fail(`parentKey[${index}]: the rows have no field ${JSON.stringify(name)}`)
    parentColumns.push({ ...column, nullable: true, businessKey: false })
  }
  const elementType: ColumnType = step.separator !== undefined ? "string" : field.type === "json" ? "json" : field.type
  const elementColumns: ReadonlyArray<ColumnManifest> =
    step.elementFields === undefined
      ? [{ name: step.as ?? step.field, type: elementType, nullable: true, businessKey: false }]
      : Object.entries(step.elementFields).map(([name, type]) => ({ name, type, nullable: true, businessKey: false }))
  const childColumns = [...parentColumns, ...elementColumns]
  const names = new Set<string>()
  for (const column of childColumns) {
    if (names.has(column.name))
      return yield* fail(`the child table would have two columns ${JSON.stringify(column.name)}`)
    names.add(column.name)
  }
  const table = qualified(step.into.schema ?? target.schema, step.into.table)
  const typed = childColumns.map((c) => `${quote(c.name)} ${columnSqlType(c)}`)
  const columnList = childColumns.map((c) => quote(c.name)).join(", ")

  const prepare = Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* withDdlLock(
      sql,
      Effect.andThen(
        sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quote(step.into.schema ?? target.schema)}`),
        sql.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
  "_parent_bk_hash" text COLLATE "C" NOT NULL,
  "_position" integer NOT NULL,
  ${typed.join(",\n  ")},
  "_run_id" uuid,
  PRIMARY KEY ("_parent_bk_hash", "_position")
)`)
      )
    ).pipe(Effect.mapError((e) => fail(e.message)))
  })

  const apply = (
    rows: ReadonlyArray<EtlRow>,
    window: { readonly runId: string; readonly skippedBefore: ReadonlyArray<EtlRow> }
  ) =>
    Effect.sync(() => {
      const children: Array<Record<string, unknown>> = []
      const out: Array<EtlRow> = []
      for (const row of rows) {
        elementsOf(readOwn(row.mapped, step.field), step.separator).forEach((element, position) => {
          const child: Record<string, unknown> = {
            _parent_bk_hash: row.keyHash,
            _position: position,
            _run_id: window.runId
          }
          for (const column of parentColumns) writeOwn(child, column.name, readOwn(row.mapped, column.name) ?? null)
          if (step.elementFields === undefined) writeOwn(child, step.as ?? step.field, element)
          else
            for (const column of elementColumns) {
              const value =
                element !== null && typeof element === "object"
                  ? readOwn(element as Record<string, unknown>, column.name)
                  : null
              writeOwn(child, column.name, value ?? null)
            }
          children.push(child)
        })
        if (step.drop === true) {
          const mapped: Record<string, unknown> = {}
          for (const [name, value] of Object.entries(row.mapped)) if (name !== step.field) writeOwn(mapped, name, value)
          out.push({ ...row, mapped })
        } else out.push(row)
      }
      const parents = [...rows, ...window.skippedBefore].map((row) => row.keyHash)
      const commit = Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        if (parents.length > 0) {
          yield* sql.unsafe(`DELETE FROM ${table} WHERE "_parent_bk_hash" = ANY($1::text[])`, [parents])
        }
        if (children.length > 0) {
          yield* sql.unsafe(
            `INSERT INTO ${table} ("_parent_bk_hash", "_position", ${columnList}, "_run_id")
             SELECT "_parent_bk_hash", "_position", ${columnList}, "_run_id"
             FROM jsonb_to_recordset($1::jsonb) AS x("_parent_bk_hash" text, "_position" integer, ${typed.join(", ")}, "_run_id" uuid)`,
            [JSON.stringify(children)]
          )
        }
      })
      return { rows: out, failures: [], skipped: [], commit }
    })

  const compiled: CompiledStep = {
    label,
    columns: step.drop === true ? input.columns.filter((c) => c.name !== step.field) : input.columns,
    key: input.key,
    apply,
    prepare,
    endListing: (runId) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.unsafe(`DELETE FROM ${table} WHERE "_run_id" IS DISTINCT FROM $1::uuid`, [runId])
      ).pipe(Effect.asVoid)
  }
  return compiled
})
