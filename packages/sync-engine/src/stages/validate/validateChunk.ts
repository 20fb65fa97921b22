/**
 * Validate a chunk of normalized records in one pass: the valid ones go on, each invalid one becomes
 * a failure (stage `validate`) with all its issues. One bad record never fails the chunk.
 */
import type { ChunkResult } from "../ChunkResult.ts"
import { FieldIssue } from "../FieldIssue.ts"
import { readOwn } from "../Fields.ts"
import { type RecordFailure, recordFailure } from "../RecordFailure.ts"
import type { Normalized, Row } from "../Row.ts"
import type { ColumnRule, Validator } from "./Validator.ts"

/** The issues of one normalized record; `undefined` when it is valid. */
export const validateRecord = (validator: Validator, row: Row): ReadonlyArray<FieldIssue> | undefined => {
  let issues: Array<FieldIssue> | undefined
  const rules = validator.rules
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as ColumnRule
    const value = rule.inherited ? readOwn(row, rule.name) : row[rule.name]
    const problem = value == null ? rule.nullIssue : rule.check(value)
    if (problem !== undefined) {
      issues ??= []
      issues.push(
        new FieldIssue({
          field: rule.name,
          step: "validate",
          reason: problem.reason,
          message: problem.message,
          value: value ?? null
        })
      )
    }
  }
  return issues
}

/** Validates a chunk: the valid records (unchanged) and a failure per invalid record. */
export const validateChunk = (validator: Validator, records: ReadonlyArray<Normalized>): ChunkResult<Normalized> => {
  const ok: Array<Normalized> = []
  const failures: Array<RecordFailure> = []
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as Normalized
    const issues = validateRecord(validator, record.normalized)
    if (issues === undefined) ok.push(record)
    else failures.push(recordFailure("validate", issues, { raw: record.raw, normalized: record.normalized, index }))
  }
  return { ok, failures }
}
