/**
 * Stages 2-5 on a chunk record by record (the fused path): each record goes through Normalize,
 * Validate, Select, Map and Identity before the next one, with the same per-record code the
 * per-stage chunk functions run, so results and failures are the same as running the stages one
 * after the other (each failure's `index` is the record's position among the records its stage was
 * given, and failures come in stage order). What it saves is the intermediate chunks and records:
 * one clean record, one destination row and one identified record per record, made while the raw
 * record is hot in the cache. A record first takes the entity's fast path (`fusedRow.ts`), when it
 * has one; the records it leaves (those some stage rejects) go through the per-stage code. Not for stages with a field mapping (its table lookups read a whole
 * chunk's keys before the Transform stage): those run stage by stage.
 */
import { BY_STAGE, SKIPPED } from "./fusedRow.ts"
import { missingKeyFailure } from "./identity/identifyChunk.ts"
import { mapRecord } from "./map/mapChunk.ts"
import { normalizeInto } from "./normalize/normalizeChunk.ts"
import { type RecordFailure, recordFailure } from "./RecordFailure.ts"
import type { Identified, SourceRecord } from "./Row.ts"
import type { Stages, StagesResult } from "./Stages.ts"
import { validateRecord } from "./validate/validateChunk.ts"

/** Runs stages 2-5 (without a field mapping) on a chunk, one record at a time; never fails. */
export const fusedChunk = (stages: Stages, records: ReadonlyArray<SourceRecord>): StagesResult => {
  const { normalizer, validator, mapper, identifier } = stages
  const keep = stages.selector.keep
  const keyHash = identifier.businessKey.hash
  const dataHash = identifier.data.hash
  const ok: Array<Identified> = []
  const unknown = new Set<string>()
  let normalizeFailures: Array<RecordFailure> | undefined
  let validateFailures: Array<RecordFailure> | undefined
  let mapFailures: Array<RecordFailure> | undefined
  let identityFailures: Array<RecordFailure> | undefined
  let normalized = 0
  let validated = 0
  let selected = 0
  let mapped = 0
  const fast = stages.fusedRow
  for (let index = 0; index < records.length; index++) {
    const raw = records[index] as SourceRecord
    if (fast !== undefined) {
      const result = fast(raw, unknown)
      if (result === SKIPPED) {
        normalized++
        validated++
        continue
      }
      if (result !== BY_STAGE) {
        normalized++
        validated++
        selected++
        mapped++
        ok.push(result)
        continue
      }
    }
    const clean: Record<string, unknown> = {}
    const normalizeIssues = normalizeInto(normalizer, raw, clean, unknown)
    if (normalizeIssues !== undefined) {
      normalizeFailures ??= []
      normalizeFailures.push(recordFailure("normalize", normalizeIssues, { raw, normalized: clean, index }))
      continue
    }
    const validateIndex = normalized++
    const validateIssues = validateRecord(validator, clean)
    if (validateIssues !== undefined) {
      validateFailures ??= []
      validateFailures.push(recordFailure("validate", validateIssues, { raw, normalized: clean, index: validateIndex }))
      continue
    }
    validated++
    if (keep !== undefined && !keep(clean)) continue
    const mapIndex = selected++
    const row = mapRecord(mapper, clean)
    if (row.issues !== undefined) {
      mapFailures ??= []
      mapFailures.push(
        recordFailure("map", row.issues, { raw, normalized: clean, mapped: row.mapped, index: mapIndex })
      )
      continue
    }
    const identifyIndex = mapped++
    const key = keyHash(row.mapped)
    if (key === undefined) {
      identityFailures ??= []
      identityFailures.push(
        missingKeyFailure(identifier, { raw, normalized: clean, mapped: row.mapped }, identifyIndex)
      )
      continue
    }
    ok.push({ raw, normalized: clean, mapped: row.mapped, keyHash: key, dataHash: dataHash(row.mapped) })
  }
  const skipped = validated - selected
  const failures =
    normalizeFailures === undefined &&
    validateFailures === undefined &&
    mapFailures === undefined &&
    identityFailures === undefined
      ? []
      : [...(normalizeFailures ?? []), ...(validateFailures ?? []), ...(mapFailures ?? []), ...(identityFailures ?? [])]
  return {
    ok,
    failures,
    counts: {
      input: records.length,
      normalized,
      validated,
      mapped,
      identified: ok.length,
      failed: records.length - ok.length - skipped,
      ...(keep === undefined ? {} : { filtered: skipped })
    },
    unknownFields: Array.from(unknown)
  }
}
