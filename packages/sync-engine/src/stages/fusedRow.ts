/**
 * The fast path of the fused stages 2-5 for one entity: compiled once from the compiled stages, a
 * function from a raw record straight to its identified record, for records that pass every stage.
 * The field values go through positional arrays instead of records keyed by name between the
 * stages: the clean record and the destination row are built once each (copies of a template with
 * their fields in order, so no property is added one by one), the validation and conversion of each
 * column read the value from its position, and the canonical texts of both hashes are built from the
 * destination values in the canonical field order worked out once. It runs the stages' own compiled
 * steps and checks (the normalizer's per-field steps, the validator's rules, the mapper's
 * conversions, `canonicalValue`), so what it gives is what the stages give.
 *
 * A record that any stage rejects is not reported here: the function answers {@link BY_STAGE} and
 * `fusedChunk` runs the record through the per-stage code, which makes its failure exactly as the
 * stages do. Stages that it cannot run this way (no declared columns, a field mapping, field names
 * that every object inherits such as `constructor`) have no fast path ({@link makeFusedRow} gives
 * `undefined`).
 */
import { compileRow } from "./compiledRow.ts"
import { readOwn, writeOwn } from "./Fields.ts"
import { Invalid } from "./Invalid.ts"
import { canonicalValue } from "./identity/canonicalForm.ts"
import type { FieldPlan } from "./normalize/Normalizer.ts"
import type { Identified, SourceRecord } from "./Row.ts"
import type { Stages } from "./Stages.ts"
import type { ColumnRule } from "./validate/Validator.ts"

/**
 * What the fast path answers for a record it leaves to the per-stage code: one that some stage
 * rejects, or (rarely) one whose meta field has the name of a clean field.
 */
export const BY_STAGE = Symbol("BY_STAGE")
/** What the fast path answers for a record the Select stage's filters skip. */
export const SKIPPED = Symbol("SKIPPED")

/**
 * An entity's fast path: the identified record, {@link SKIPPED}, or {@link BY_STAGE}. Field names
 * the manifest does not declare are added to `unknown`, as Normalize reports them.
 */
export type FusedRow = (raw: SourceRecord, unknown: Set<string>) => Identified | typeof BY_STAGE | typeof SKIPPED

/** A field outside the manifest's: a meta field (`plan` undefined, not unknown) or an undeclared one. */
interface ExtraField {
  readonly key: string
  readonly plan: FieldPlan | undefined
  readonly unknown: boolean
}

const isFusedRow = (f: unknown): f is FusedRow => typeof f === "function"

/** How a record's fields outside the manifest are handled: the fields in the record's order. */
interface Extras {
  /** Every field name of records of this shape, in order. */
  readonly keys: ReadonlyArray<string>
  /** A meta field has the name of a clean field (it overwrites its value): left to the per-stage code. */
  readonly conflict: boolean
  /** The fields Normalize does not take from the manifest: meta fields (`plan` undefined) and undeclared ones. */
  readonly extra: ReadonlyArray<{
    readonly key: string
    readonly plan: FieldPlan | undefined
    readonly unknown: boolean
  }>
}

/** Canonical text of the given destination values (positions) under their sorted names. */
const canonicalOf = (prefixes: ReadonlyArray<string>, positions: ReadonlyArray<number>) => {
  const n = positions.length
  return (values: Array<unknown>): string => {
    let out = ""
    for (let k = 0; k < n; k++) {
      const v = values[positions[k] as number]
      if (v == null) continue
      out =
        out === "" ? (prefixes[k] as string) + canonicalValue(v) : `${out}|${prefixes[k] as string}${canonicalValue(v)}`
    }
    return out
  }
}

/**
 * Compiles the fast path of stages 2-5 (generated code, or loops where code cannot be generated or
 * `generateCode` is false); `undefined` when the stages cannot run on it.
 */
export const makeFusedRow = (
  stages: Omit<Stages, "fusedRow" | "sample">,
  options: { readonly generateCode?: boolean } = {}
): FusedRow | undefined => {
  const { normalizer, validator, selector, transformer, mapper, identifier } = stages
  const dataFields = identifier.data.fields
  if (transformer !== undefined || mapper.passThrough || dataFields === undefined) return undefined
  const keyFields = identifier.businessKey.fields
  if (
    normalizer.fields.some((p) => p.inherited) ||
    validator.rules.some((r) => r.inherited) ||
    mapper.mappings.some((m) => m.inherited) ||
    dataFields.inherited ||
    keyFields.inherited
  ) {
    return undefined
  }
  const plans = normalizer.fields
  const planOf = new Map(plans.map((p, i) => [p.name, i]))
  if (planOf.size !== plans.length) return undefined
  // Validate: each rule's value by its plan's position (-1: a field outside the plans, read by name).
  const rules: ReadonlyArray<ColumnRule> = validator.rules
  const rulePositions = rules.map((r) => planOf.get(r.name) ?? -1)
  // Map: each destination column's value by its plan's position.
  const mappings = mapper.mappings
  const mappingPositions = mappings.map((m) => planOf.get(m.field) ?? -1)
  if (mappingPositions.some((p) => p < 0)) return undefined
  const columnOf = new Map(mappings.map((m, j) => [m.column, j]))
  if (columnOf.size !== mappings.length) return undefined
  const keyPositions = keyFields.names.map((name) => columnOf.get(name) ?? -1)
  const dataPositions = dataFields.names.map((name) => columnOf.get(name) ?? -1)
  if (keyPositions.some((p) => p < 0) || dataPositions.some((p) => p < 0)) return undefined
  const keyText = canonicalOf(keyFields.prefixes, keyPositions)
  const dataText = canonicalOf(dataFields.prefixes, dataPositions)
  const keyDigest = identifier.businessKey.digest
  const dataDigest = identifier.data.digest
  const keep = selector.keep

  // The extra fields of the last record shape seen (records of a page share their field order).
  let shape: Extras = { keys: [], conflict: false, extra: [] }
  const extrasOf = (raw: SourceRecord): Extras => {
    let i = 0
    let same = true
    const keys = shape.keys
    for (const key in raw) {
      if (keys[i] !== key) {
        same = false
        break
      }
      i++
    }
    if (same && i === keys.length) return shape
    const all: Array<string> = []
    const extra: Array<ExtraField> = []
    let conflict = false
    for (const key in raw) {
      all.push(key)
      if (normalizer.known.has(key)) continue
      if (normalizer.meta.has(key)) {
        extra.push({ key, plan: undefined, unknown: false })
        if (normalizer.names.has(key)) conflict = true
      } else
        extra.push({
          key,
          plan: normalizer.keepUnknown && !normalizer.names.has(key) ? normalizer.untyped(key) : undefined,
          unknown: true
        })
    }
    shape = { keys: all, conflict, extra }
    return shape
  }
  // Adds meta and undeclared fields to a clean record, as Normalize does; false when one is rejected.
  const applyExtras = (
    raw: SourceRecord,
    clean: Record<string, unknown>,
    extra: ReadonlyArray<ExtraField>,
    unknown: Set<string>
  ): boolean => {
    for (let e = 0; e < extra.length; e++) {
      const field = extra[e] as ExtraField
      if (!field.unknown) {
        writeOwn(clean, field.key, raw[field.key])
        continue
      }
      unknown.add(field.key)
      const plan = field.plan
      if (plan === undefined) continue
      let v: unknown = raw[field.key]
      for (const step of plan.steps) {
        v = step(v)
        if (v instanceof Invalid) return false
      }
      if (plan.inherited) writeOwn(clean, plan.name, v)
      else clean[plan.name] = v
    }
    return true
  }

  const compiled =
    (options.generateCode ?? true) &&
    compileRow({
      fields: plans,
      rules: rules.map((r, i) => ({
        name: r.name,
        position: rulePositions[i] as number,
        nullIssue: r.nullIssue,
        check: r.check
      })),
      keep,
      columns: mappings.map((m, j) => ({
        name: m.column,
        position: mappingPositions[j] as number,
        convert: m.convert
      })),
      key: keyPositions.map((position, k) => ({ position, prefix: keyFields.prefixes[k] as string })),
      data: dataPositions.map((position, k) => ({ position, prefix: dataFields.prefixes[k] as string })),
      canonicalValue,
      keyDigest,
      dataDigest,
      extrasOf,
      applyExtras,
      Invalid,
      BY_STAGE,
      SKIPPED
    })
  if (isFusedRow(compiled)) return compiled

  // Where code cannot be generated: the same plan with loops, the records copied from templates.
  const cleanTemplate: Record<string, unknown> = {}
  for (const p of plans) cleanTemplate[p.name] = null
  const rowTemplate: Record<string, unknown> = {}
  for (const m of mappings) rowTemplate[m.column] = null
  const names = plans.map((p) => p.name)
  const sources = plans.map((p) => p.source)
  const columns = mappings.map((m) => m.column)
  const nPlans = plans.length
  const nRules = rules.length
  const nColumns = mappings.length
  const values: Array<unknown> = new Array(nPlans).fill(null)
  const row: Array<unknown> = new Array(nColumns).fill(null)
  return (raw, unknown) => {
    // Normalize
    for (let i = 0; i < nPlans; i++) {
      const plan = plans[i] as FieldPlan
      let v: unknown = raw[sources[i] as string]
      const steps = plan.steps
      for (let s = 0; s < steps.length; s++) {
        v = (steps[s] as (value: unknown) => unknown)(v)
        if (v instanceof Invalid) return BY_STAGE
      }
      values[i] = v
    }
    const { extra, conflict } = extrasOf(raw)
    if (conflict) return BY_STAGE
    const clean: Record<string, unknown> = { ...cleanTemplate }
    for (let i = 0; i < nPlans; i++) clean[names[i] as string] = values[i]
    if (extra.length !== 0 && !applyExtras(raw, clean, extra, unknown)) return BY_STAGE
    // Validate
    for (let r = 0; r < nRules; r++) {
      const rule = rules[r] as ColumnRule
      const at = rulePositions[r] as number
      const v = at >= 0 ? values[at] : rule.inherited ? readOwn(clean, rule.name) : clean[rule.name]
      if ((v == null ? rule.nullIssue : rule.check(v)) !== undefined) return BY_STAGE
    }
    // Select
    if (keep !== undefined && !keep(clean)) return SKIPPED
    // Map
    for (let j = 0; j < nColumns; j++) {
      const v = (mappings[j] as (typeof mappings)[number]).convert(values[mappingPositions[j] as number])
      if (v instanceof Invalid) return BY_STAGE
      row[j] = v
    }
    // Identity
    for (let k = 0; k < keyPositions.length; k++) if (row[keyPositions[k] as number] == null) return BY_STAGE
    const mapped: Record<string, unknown> = { ...rowTemplate }
    for (let j = 0; j < nColumns; j++) mapped[columns[j] as string] = row[j]
    return {
      raw,
      normalized: clean,
      mapped,
      keyHash: keyDigest(keyText(row)),
      dataHash: dataDigest(dataText(row))
    }
  }
}
