/**
 * Map a chunk of valid records to destination rows in one pass; a record with a value the
 * destination cannot take becomes a failure (stage `map`).
 */
import type { ChunkResult } from "../ChunkResult.ts"
import { FieldIssue } from "../FieldIssue.ts"
import { readOwn, writeOwn } from "../Fields.ts"
import { Invalid } from "../Invalid.ts"
import { type RecordFailure, recordFailure } from "../RecordFailure.ts"
import type { Mapped, Normalized, Row } from "../Row.ts"
import type { ColumnMapping, Mapper } from "./Mapper.ts"

/** The destination row of a normalized record, or its issues. */
export const mapRecord = (
  mapper: Mapper,
  row: Row
): { readonly mapped: Row; readonly issues: ReadonlyArray<FieldIssue> | undefined } => {
  if (mapper.passThrough) {
    if (mapper.dropped.size === 0) return { mapped: row, issues: undefined }
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(row)) if (!mapper.dropped.has(key)) writeOwn(out, key, row[key])
    return { mapped: out, issues: undefined }
  }
  const out: Record<string, unknown> = {}
  let issues: Array<FieldIssue> | undefined
  const mappings = mapper.mappings
  for (let i = 0; i < mappings.length; i++) {
    const m = mappings[i] as ColumnMapping
    const value = m.inherited ? readOwn(row, m.field) : row[m.field]
    let v = m.convert(value)
    if (v instanceof Invalid) {
      issues ??= []
      issues.push(new FieldIssue({ field: m.column, step: "map", reason: v.reason, message: v.message, value }))
      v = null
    }
    if (m.inherited) writeOwn(out, m.column, v)
    else out[m.column] = v
  }
  return { mapped: out, issues }
}

/** Maps a chunk: destination rows, and a failure per record that cannot be mapped. */
export const mapChunk = (mapper: Mapper, records: ReadonlyArray<Normalized>): ChunkResult<Mapped> => {
  const ok: Array<Mapped> = []
  const failures: Array<RecordFailure> = []
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as Normalized
    const { mapped, issues } = mapRecord(mapper, record.normalized)
    if (issues === undefined) ok.push({ raw: record.raw, normalized: record.normalized, mapped })
    else failures.push(recordFailure("map", issues, { raw: record.raw, normalized: record.normalized, mapped, index }))
  }
  return { ok, failures }
}
