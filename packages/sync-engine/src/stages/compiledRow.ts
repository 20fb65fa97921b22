/**
 * The fast path of the fused stages as generated code: one JavaScript function per entity, written
 * out from the positional plan that `fusedRow.ts` works out (which field, which steps, which rule,
 * which conversion, in which order) and compiled once with `new Function`. Each field gets its own
 * lines, so every property read, step call and check is a call site of its own that the engine can
 * inline, and the clean record and the destination row are object literals (one allocation each,
 * their fields in order). Only field names (as JSON string literals) and positions are written into
 * the source; the steps, checks and conversions are the compiled stages' own functions, passed in.
 * Where code cannot be generated (`--disallow-code-generation-from-strings`), `fusedRow.ts` runs the
 * same plan with loops.
 */
import type { Invalid } from "./Invalid.ts"
import type { Step } from "./normalize/Step.ts"
import type { Row, SourceRecord } from "./Row.ts"

/** Everything the generated function needs: the positional plan and the stages' own functions. */
export interface RowPlan<E> {
  /** Per clean field, in order: its source field, its logical name and its steps. */
  readonly fields: ReadonlyArray<{
    readonly source: string
    readonly name: string
    readonly steps: ReadonlyArray<Step>
  }>
  /** Per validation rule: the position of its field (-1: read from the clean record by `name`). */
  readonly rules: ReadonlyArray<{
    readonly name: string
    readonly position: number
    readonly nullIssue: Invalid | undefined
    readonly check: (value: unknown) => Invalid | undefined
  }>
  readonly keep: ((row: Row) => boolean) | undefined
  /** Per destination column, in order: its name, its clean field's position and its conversion. */
  readonly columns: ReadonlyArray<{
    readonly name: string
    readonly position: number
    readonly convert: (value: unknown) => unknown
  }>
  /** The business-key columns (positions) in canonical order, each with its `name=` prefix. */
  readonly key: ReadonlyArray<{ readonly position: number; readonly prefix: string }>
  /** The data-hash columns (positions) in canonical order, each with its `name=` prefix. */
  readonly data: ReadonlyArray<{ readonly position: number; readonly prefix: string }>
  readonly canonicalValue: (value: unknown) => string
  readonly keyDigest: (text: string) => string
  readonly dataDigest: (text: string) => string
  /**
   * A record's fields that are not the manifest's (`fusedRow.ts`); `conflict`: a meta field has the
   * name of a clean field, and the record goes through the per-stage code.
   */
  readonly extrasOf: (raw: SourceRecord) => { readonly conflict: boolean; readonly extra: ReadonlyArray<E> }
  /** Adds the extra fields to a clean record; false when one is rejected. */
  readonly applyExtras: (
    raw: SourceRecord,
    clean: Record<string, unknown>,
    extra: ReadonlyArray<E>,
    unknown: Set<string>
  ) => boolean
  readonly Invalid: typeof Invalid
  readonly BY_STAGE: symbol
  readonly SKIPPED: symbol
}

const literal = (s: string): string => JSON.stringify(s)

/** The source of the function (see the module doc); `P` is the {@link RowPlan}. */
const sourceOf = <E>(plan: RowPlan<E>): string => {
  const lines: Array<string> = [
    '"use strict";',
    "const { Invalid, BY_STAGE, SKIPPED, keep, canonicalValue: cv, keyDigest, dataDigest, extrasOf, applyExtras } = P;"
  ]
  plan.fields.forEach((field, i) => {
    field.steps.forEach((_, s) => {
      lines.push(`const s${i}_${s} = P.fields[${i}].steps[${s}];`)
    })
  })
  plan.rules.forEach((_, r) => {
    lines.push(`const n${r} = P.rules[${r}].nullIssue, c${r} = P.rules[${r}].check;`)
  })
  plan.columns.forEach((_, j) => {
    lines.push(`const k${j} = P.columns[${j}].convert;`)
  })
  lines.push("return function fusedRow(raw, unknown) {")
  plan.fields.forEach((field, i) => {
    lines.push(`  let v${i} = raw[${literal(field.source)}];`)
    field.steps.forEach((_, s) => {
      lines.push(`  v${i} = s${i}_${s}(v${i}); if (v${i} instanceof Invalid) return BY_STAGE;`)
    })
  })
  lines.push("  const extras = extrasOf(raw);", "  if (extras.conflict) return BY_STAGE;")
  lines.push(`  const clean = { ${plan.fields.map((f, i) => `${literal(f.name)}: v${i}`).join(", ")} };`)
  lines.push("  if (extras.extra.length !== 0 && !applyExtras(raw, clean, extras.extra, unknown)) return BY_STAGE;")
  plan.rules.forEach((rule, r) => {
    const value = rule.position >= 0 ? `v${rule.position}` : `w${r}`
    if (rule.position < 0) lines.push(`  const w${r} = clean[${literal(rule.name)}];`)
    lines.push(`  if (${value} == null ? n${r} !== undefined : c${r}(${value}) !== undefined) return BY_STAGE;`)
  })
  lines.push("  if (keep !== undefined && !keep(clean)) return SKIPPED;")
  plan.columns.forEach((column, j) => {
    lines.push(`  const m${j} = k${j}(v${column.position}); if (m${j} instanceof Invalid) return BY_STAGE;`)
  })
  for (const k of plan.key) lines.push(`  if (m${k.position} == null) return BY_STAGE;`)
  lines.push(`  const mapped = { ${plan.columns.map((c, j) => `${literal(c.name)}: m${j}`).join(", ")} };`)
  for (const [text, fields] of [
    ["kt", plan.key],
    ["dt", plan.data]
  ] as const) {
    lines.push(`  let ${text} = "";`)
    for (const f of fields) {
      const m = `m${f.position}`
      lines.push(
        `  if (${m} != null) ${text} = ${text} === "" ? ${literal(f.prefix)} + cv(${m}) : ${text} + ${literal(`|${f.prefix}`)} + cv(${m});`
      )
    }
  }
  lines.push("  return { raw, normalized: clean, mapped, keyHash: keyDigest(kt), dataHash: dataDigest(dt) };", "};")
  return lines.join("\n")
}

/**
 * Generates and compiles the fast path of a {@link RowPlan}: the identified record, `SKIPPED`, or
 * `BY_STAGE`; `undefined` when code cannot be generated here.
 */
export const compileRow = <E>(plan: RowPlan<E>): unknown => {
  try {
    return Reflect.apply(new Function("P", sourceOf(plan)), undefined, [plan])
  } catch {
    return undefined
  }
}
