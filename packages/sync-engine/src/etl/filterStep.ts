/**
 * The `filter` step: keeps the rows for which its CEL `condition` is true. False (or null) skips the
 * row (counted as skipped); a condition that fails on a row (a value of the wrong type, a result that
 * is not a boolean) sends the row to the failed records with the expression and the values it read,
 * and never fails the window. A condition reading a field the rows do not have is refused when compiled.
 */
import { Effect, Result } from "effect"
import { tryCompileExpression } from "../expressions/Expression.ts"
import type { RecordFailure } from "../stages/RecordFailure.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { FilterStep } from "./EtlStep.ts"
import { expressionRow } from "./expressionRow.ts"
import { stepFailure } from "./stepFailure.ts"

/** Compiles a filter. */
export const compileFilter = Effect.fnUntraced(function* (input: StepInput, step: typeof FilterStep.Type) {
  const { label } = input
  const compiled = tryCompileExpression(step.condition)
  if (Result.isFailure(compiled)) {
    return yield* new EtlRunError({ step: label, message: `condition: ${compiled.failure.message}` })
  }
  const condition = compiled.success
  const known = new Set(input.columns.map((c) => c.name))
  const unknown = condition.variables.find((name) => !known.has(name))
  if (unknown !== undefined) {
    return yield* new EtlRunError({
      step: label,
      message: `condition: the rows have no field ${JSON.stringify(unknown)}`
    })
  }
  const view = expressionRow(input.columns)
  const apply = (rows: ReadonlyArray<EtlRow>) =>
    Effect.sync(() => {
      const kept: Array<EtlRow> = []
      const skipped: Array<EtlRow> = []
      const failures: Array<RecordFailure> = []
      for (const [index, row] of rows.entries()) {
        const result = condition.evaluate(view(row.mapped))
        if (Result.isFailure(result)) {
          failures.push(
            stepFailure(label, row, index, {
              field: "condition",
              message: `${step.condition}: ${result.failure.message} (${result.failure.reason})`,
              value: result.failure.inputs
            })
          )
        } else if (result.success === true) kept.push(row)
        else if (result.success === false || result.success === null) skipped.push(row)
        else {
          failures.push(
            stepFailure(label, row, index, {
              field: "condition",
              message: `${step.condition}: the result is ${JSON.stringify(result.success)}, not true or false`,
              value: condition.variables.map((name) => row.mapped[name])
            })
          )
        }
      }
      return { rows: kept, failures, skipped }
    })
  const filter: CompiledStep = { label, columns: input.columns, key: input.key, apply }
  return filter
})
