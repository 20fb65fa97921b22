/**
 * The `normalize` step: the five normalizer layers of stages/normalize (coerce, clean strings, parse
 * numerics, date-times, field mapping) run again on the rows as they are at this point, with the
 * step's settings (e.g. another time zone, upper-casing a field, renaming one with `mapping.fields`).
 * A value a layer rejects sends its row to the failed records (stage `etl`).
 */
import { Effect } from "effect"
import { makeMapper } from "../stages/map/Mapper.ts"
import { mapChunk } from "../stages/map/mapChunk.ts"
import { makeNormalizer } from "../stages/normalize/Normalizer.ts"
import { normalizeChunk } from "../stages/normalize/normalizeChunk.ts"
import { RecordFailure } from "../stages/RecordFailure.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { NormalizeStep } from "./EtlStep.ts"

/** Compiles a normalize step. */
export const compileNormalize = Effect.fnUntraced(function* (input: StepInput, step: typeof NormalizeStep.Type) {
  const { label } = input
  const configError = (e: { readonly message: string }) => new EtlRunError({ step: label, message: e.message })
  const [first, ...rest] = input.key
  if (first === undefined) return yield* new EtlRunError({ step: label, message: "the rows have no key" })
  const normalizer = yield* makeNormalizer(
    { entity: label, businessKey: [first, ...rest], columns: input.columns, cursorField: undefined },
    step.options
  ).pipe(Effect.mapError(configError))
  const mapper = yield* makeMapper({ columns: normalizer.columns, businessKey: normalizer.businessKey }).pipe(
    Effect.mapError(configError)
  )
  const apply = (rows: ReadonlyArray<EtlRow>) =>
    Effect.sync(() => {
      const normalized = normalizeChunk(
        normalizer,
        rows.map((row) => row.mapped)
      )
      const mapped = mapChunk(mapper, normalized.ok)
      // normalizeChunk keeps each record it was given as `raw`: the pipeline row is found by it.
      const byValues = new Map(rows.map((row) => [row.mapped, row]))
      const failures: Array<RecordFailure> = [...normalized.failures, ...mapped.failures].map((failure) => {
        const row = byValues.get(failure.raw)
        return new RecordFailure(
          {
            ...failure,
            stage: "etl",
            message: `${label}: ${failure.message}`,
            raw: row?.raw ?? failure.raw,
            ...(row === undefined ? {} : { normalized: row.normalized, mapped: row.mapped })
          },
          { disableChecks: true }
        )
      })
      const out: Array<EtlRow> = []
      for (const record of mapped.ok) {
        const from = byValues.get(record.raw)
        if (from !== undefined) out.push({ ...from, mapped: record.mapped })
      }
      return { rows: out, failures, skipped: [] }
    })
  const compiled: CompiledStep = {
    label,
    columns: mapper.columns,
    key: normalizer.businessKey,
    apply
  }
  return compiled
})
