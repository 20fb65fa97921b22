/**
 * Identify a chunk of mapped records in one pass: both hashes per record; a record without a
 * complete business key becomes a failure (stage `identity`).
 */
import type { ChunkResult } from "../ChunkResult.ts"
import { FieldIssue } from "../FieldIssue.ts"
import { readOwn } from "../Fields.ts"
import { type RecordFailure, recordFailure } from "../RecordFailure.ts"
import type { Identified, Mapped } from "../Row.ts"
import type { RecordIdentifier } from "./RecordIdentifier.ts"

/** The failure of a mapped record whose business key has a null or missing field (stage `identity`). */
export const missingKeyFailure = (identifier: RecordIdentifier, record: Mapped, index: number): RecordFailure => {
  const missing = identifier.businessKey.fields.names.filter((name) => readOwn(record.mapped, name) == null)
  return recordFailure(
    "identity",
    missing.map(
      (field) =>
        new FieldIssue({
          field,
          step: "identity",
          reason: "MissingBusinessKey",
          message: "is part of the business key but null or missing",
          value: null
        })
    ),
    { raw: record.raw, normalized: record.normalized, mapped: record.mapped, index }
  )
}

/** Hashes a chunk: identified records, and a failure per record with a null or missing key field. */
export const identifyChunk = (
  identifier: RecordIdentifier,
  records: ReadonlyArray<Mapped>
): ChunkResult<Identified> => {
  const ok: Array<Identified> = []
  const failures: Array<RecordFailure> = []
  const key = identifier.businessKey
  const data = identifier.data
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as Mapped
    const keyHash = key.hash(record.mapped)
    if (keyHash === undefined) {
      failures.push(missingKeyFailure(identifier, record, index))
      continue
    }
    ok.push({
      raw: record.raw,
      normalized: record.normalized,
      mapped: record.mapped,
      keyHash,
      dataHash: data.hash(record.mapped)
    })
  }
  return { ok, failures }
}
