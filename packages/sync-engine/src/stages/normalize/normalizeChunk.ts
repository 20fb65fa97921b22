/**
 * Normalize a chunk of raw records in one pass: every field through its compiled layers; a record
 * with any rejected field goes to the failures with all its issues, the others go on.
 */
import type { ChunkResult } from "../ChunkResult.ts"
import { FieldIssue } from "../FieldIssue.ts"
import { readOwn, writeOwn } from "../Fields.ts"
import { Invalid } from "../Invalid.ts"
import { type RecordFailure, recordFailure } from "../RecordFailure.ts"
import type { Normalized, Row, SourceRecord } from "../Row.ts"
import type { FieldPlan, Normalizer } from "./Normalizer.ts"

/** The result of Normalize on a chunk, with the undeclared field names seen (schema drift). */
export interface NormalizeResult extends ChunkResult<Normalized> {
  /** Names of fields present in the chunk that the manifest does not declare. */
  readonly unknownFields: ReadonlyArray<string>
}

const run = (plan: FieldPlan, raw: unknown, out: Record<string, unknown>, issues: Array<FieldIssue> | undefined) => {
  let v = raw
  const steps = plan.steps
  for (let i = 0; i < steps.length; i++) {
    const next = (steps[i] as (value: unknown) => unknown)(v)
    if (next instanceof Invalid) {
      const list = issues ?? []
      list.push(
        new FieldIssue({
          field: plan.source,
          step: plan.layers[i] ?? "coerceType",
          reason: next.reason,
          message: next.message,
          value: v
        })
      )
      if (plan.inherited) writeOwn(out, plan.name, v)
      else out[plan.name] = v
      return list
    }
    v = next
  }
  if (plan.inherited) writeOwn(out, plan.name, v)
  else out[plan.name] = v
  return issues
}

/**
 * Normalizes one record into `out` (an empty object), adding the undeclared field names it has to
 * `unknown`; returns its issues, if any.
 */
export const normalizeInto = (
  normalizer: Normalizer,
  record: SourceRecord,
  out: Record<string, unknown>,
  unknown: Set<string> | undefined
): Array<FieldIssue> | undefined => {
  let issues: Array<FieldIssue> | undefined
  const fields = normalizer.fields
  for (let i = 0; i < fields.length; i++) {
    const plan = fields[i] as FieldPlan
    issues = run(plan, plan.inherited ? readOwn(record, plan.source) : record[plan.source], out, issues)
  }
  const known = normalizer.known
  for (const key in record) {
    if (known.has(key)) continue
    if (normalizer.meta.has(key)) {
      writeOwn(out, key, record[key])
      continue
    }
    unknown?.add(key)
    if (normalizer.keepUnknown && !normalizer.names.has(key)) {
      issues = run(normalizer.untyped(key), record[key], out, issues)
    }
  }
  return issues
}

/** Normalizes one record: the clean record (as far as it got), and its issues if any. */
export const normalizeRecord = (
  normalizer: Normalizer,
  record: SourceRecord
): { readonly normalized: Row; readonly issues: ReadonlyArray<FieldIssue> | undefined } => {
  const normalized: Record<string, unknown> = {}
  return { normalized, issues: normalizeInto(normalizer, record, normalized, undefined) }
}

/**
 * Normalizes a chunk. Never fails: a record with unparseable values becomes a `RecordFailure`
 * (stage `normalize`, its issues, its raw data and the partly normalized data).
 */
export const normalizeChunk = (normalizer: Normalizer, records: ReadonlyArray<SourceRecord>): NormalizeResult => {
  const ok: Array<Normalized> = []
  const failures: Array<RecordFailure> = []
  const unknown = new Set<string>()
  for (let index = 0; index < records.length; index++) {
    const raw = records[index] as SourceRecord
    const normalized: Record<string, unknown> = {}
    const issues = normalizeInto(normalizer, raw, normalized, unknown)
    if (issues === undefined) ok.push({ raw, normalized })
    else failures.push(recordFailure("normalize", issues, { raw, normalized, index }))
  }
  return { ok, failures, unknownFields: Array.from(unknown) }
}
