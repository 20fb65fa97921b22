/**
 * The `map` step: renames fields (`rename`), computes fields from CEL expressions over the row as it
 * came in (`compute`, each written as its declared type), and leaves fields out (`drop`), in that
 * order. A key field cannot be renamed, computed or dropped. An expression that fails on a row sends
 * the row to the failed records with the expression and the values it read.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect, Result } from "effect"
import { type Expression, tryCompileExpression } from "../expressions/Expression.ts"
import { readOwn, writeOwn } from "../stages/Fields.ts"
import { isInvalid } from "../stages/Invalid.ts"
import { convertValue } from "../stages/map/Mapper.ts"
import type { RecordFailure } from "../stages/RecordFailure.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { MapStep } from "./EtlStep.ts"
import { expressionRow } from "./expressionRow.ts"
import { stepFailure } from "./stepFailure.ts"

/** Compiles a map step. */
export const compileMap = Effect.fnUntraced(function* (input: StepInput, step: typeof MapStep.Type) {
  const { label } = input
  const fail = (message: string) => new EtlRunError({ step: label, message })
  const keys = new Set(input.key)
  const known = new Set(input.columns.map((c) => c.name))
  const rename = Object.entries(step.rename ?? {})
  for (const [from] of rename) {
    if (!known.has(from)) return yield* fail(`rename.${from}: the rows have no field ${JSON.stringify(from)}`)
    if (keys.has(from)) return yield* fail(`rename.${from}: ${from} is the rows' key`)
  }
  const computed: Array<{ readonly field: string; readonly expression: Expression; readonly column: ColumnManifest }> =
    []
  for (const [field, spec] of Object.entries(step.compute ?? {})) {
    if (keys.has(field)) return yield* fail(`compute.${field}: ${field} is the rows' key`)
    const compiled = tryCompileExpression(spec.expression)
    if (Result.isFailure(compiled)) return yield* fail(`compute.${field}: ${compiled.failure.message}`)
    const unknown = compiled.success.variables.find((name) => !known.has(name))
    if (unknown !== undefined) {
      return yield* fail(`compute.${field}.expression: the rows have no field ${JSON.stringify(unknown)}`)
    }
    computed.push({
      field,
      expression: compiled.success,
      column: { name: field, type: spec.type, nullable: true, businessKey: false }
    })
  }
  const dropped = new Set(step.drop ?? [])
  for (const [index, field] of (step.drop ?? []).entries()) {
    if (keys.has(field)) return yield* fail(`drop[${index}]: ${field} is the rows' key`)
  }
  const renames = new Map(rename)
  let columns: Array<ColumnManifest> = input.columns.map((c) => ({ ...c, name: renames.get(c.name) ?? c.name }))
  for (const c of computed) {
    const at = columns.findIndex((column) => column.name === c.field)
    if (at >= 0) columns[at] = c.column
    else columns.push(c.column)
  }
  columns = columns.filter((c) => !dropped.has(c.name))
  const seen = new Set<string>()
  for (const c of columns) {
    if (seen.has(c.name)) return yield* fail(`two fields would be named ${JSON.stringify(c.name)}`)
    seen.add(c.name)
  }
  const view = expressionRow(input.columns)

  const apply = (rows: ReadonlyArray<EtlRow>) =>
    Effect.sync(() => {
      const out: Array<EtlRow> = []
      const failures: Array<RecordFailure> = []
      each: for (const [index, row] of rows.entries()) {
        const values: Record<string, unknown> = {}
        for (const [name, value] of Object.entries(row.mapped)) writeOwn(values, renames.get(name) ?? name, value)
        const inputRow = view(row.mapped)
        for (const c of computed) {
          const result = c.expression.evaluate(inputRow)
          if (Result.isFailure(result)) {
            failures.push(
              stepFailure(label, row, index, {
                field: c.field,
                message: `${c.expression.text}: ${result.failure.message} (${result.failure.reason})`,
                value: result.failure.inputs
              })
            )
            continue each
          }
          const value = convertValue(c.column.type, result.success)
          if (isInvalid(value)) {
            failures.push(
              stepFailure(label, row, index, {
                field: c.field,
                message: `${c.expression.text}: ${value.message}`,
                value: result.success
              })
            )
            continue each
          }
          writeOwn(values, c.field, value)
        }
        const mapped: Record<string, unknown> = {}
        for (const column of columns) writeOwn(mapped, column.name, readOwn(values, column.name) ?? null)
        out.push({ ...row, mapped })
      }
      return { rows: out, failures, skipped: [] }
    })
  const compiledStep: CompiledStep = { label, columns, key: input.key, apply }
  return compiledStep
})
