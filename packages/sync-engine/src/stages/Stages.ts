/**
 * Stages 2-5 of the pipeline for one entity — Normalize, Validate, Map, Identity — built once from
 * the entity's manifest and settings, and run on a chunk of raw records in one pass per stage. A sync
 * definition's mapping and filters (the Select stage) sit between Validate and Map: records its
 * predicates refuse are skipped, and Map writes only the selected fields, under their new names. A
 * definition's field mapping (the Transform stage, `mappings/`) sits between Select and Map: Map
 * then writes the mapping's targets.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql"
import type { EtlRunError } from "../etl/EtlRunError.ts"
import { loadTableLookups } from "../mappings/TableLookup.ts"
import { makeTransformer, type Transformer, type TransformOptions } from "../mappings/Transformer.ts"
import { transformChunk } from "../mappings/transformChunk.ts"
import type { ChunkResult } from "./ChunkResult.ts"
import { fusedChunk } from "./fusedChunk.ts"
import { type FusedRow, makeFusedRow } from "./fusedRow.ts"
import { identifyChunk } from "./identity/identifyChunk.ts"
import { type IdentityOptions, makeRecordIdentifier, type RecordIdentifier } from "./identity/RecordIdentifier.ts"
import { type MapOptions, type Mapper, makeMapper } from "./map/Mapper.ts"
import { mapChunk } from "./map/mapChunk.ts"
import type { NormalizeOptions } from "./normalize/NormalizeOptions.ts"
import { makeNormalizer, type Normalizer } from "./normalize/Normalizer.ts"
import { normalizeChunk } from "./normalize/normalizeChunk.ts"
import type { RecordFailure } from "./RecordFailure.ts"
import type { Identified, SourceRecord } from "./Row.ts"
import type { StageConfigError } from "./StageConfigError.ts"
import type { SelectOptions } from "./select/SelectOptions.ts"
import { makeSelector, type Selector } from "./select/Selector.ts"
import { selectChunk } from "./select/selectChunk.ts"
import { makeValidator, type Validator } from "./validate/Validator.ts"
import { validateChunk } from "./validate/validateChunk.ts"

/** The settings of stages 2-5 for one entity (connector settings merged with the entity's). */
export interface StagesOptions {
  readonly normalize?: NormalizeOptions
  /** Logical fields that must not be null, besides the business key and the non-nullable columns. */
  readonly required?: ReadonlyArray<string>
  readonly map?: MapOptions
  readonly identity?: IdentityOptions
  /** A sync definition's mapping, filters and match key (absent: every record, every field). */
  readonly select?: SelectOptions
  /**
   * A definition's field mapping (the Transform stage, after Select): the destination fields are its
   * targets. With it, Select only filters, and the match key is the mapping's (`TransformOptions.key`).
   */
  readonly transform?: TransformOptions
}

/** Stages 2-5 compiled for one entity. */
export interface Stages {
  readonly normalizer: Normalizer
  readonly validator: Validator
  readonly selector: Selector
  /** The definition's field mapping, when it has one. */
  readonly transformer: Transformer | undefined
  readonly mapper: Mapper
  readonly identifier: RecordIdentifier
  /** The fast path of the fused stages (`fusedRow.ts`), when the stages allow one. */
  readonly fusedRow: FusedRow | undefined
  /** The per-stage times of the chunks run stage by stage, to split the fused chunks' time (see {@link runStages}). */
  readonly sample: StageSample
}

/**
 * How {@link runStages} times the stages: a timed chunk runs record by record (`fusedChunk`), all
 * stages at once, except every {@link SAMPLE_EVERY}th (the first included), which runs stage by stage
 * and is timed per stage. A fused chunk's time is split between the stages in the proportions the
 * sampled chunks measured.
 */
export interface StageSample {
  /** Timed chunks run so far. */
  chunks: number
  /** The sampled chunks' time per stage. */
  readonly times: StageTimes
}

/** One timed chunk in this many runs stage by stage, timed per stage. */
export const SAMPLE_EVERY = 16

const withFastPath = (stages: Omit<Stages, "fusedRow" | "sample">): Stages => ({
  ...stages,
  fusedRow: makeFusedRow(stages),
  sample: { chunks: 0, times: emptyStageTimes() }
})

/** How many records each stage passed on, for the run's counts. */
export interface StageCounts {
  /** Records given to Normalize (fetched). */
  readonly input: number
  readonly normalized: number
  readonly validated: number
  readonly mapped: number
  readonly identified: number
  /** Records rejected by any of the stages (`input - identified - filtered`). */
  readonly failed: number
  /** Records the Select stage's filters skipped (present only when the stages have filters). */
  readonly filtered?: number
  /** Records the Transform stage passed on (present only when the stages have a field mapping). */
  readonly transformed?: number
}

/** Stages 2-5 on one chunk: identified records, every failure (in stage order), counts, drift. */
export interface StagesResult extends ChunkResult<Identified> {
  readonly counts: StageCounts
  /** Fields present in the chunk that the manifest does not declare (schema drift). */
  readonly unknownFields: ReadonlyArray<string>
}

/** Builds stages 2-5 of an entity. Fails with `StageConfigError` on settings that cannot work. */
export const makeStages = Effect.fnUntraced(function* (
  manifest: Pick<EntityManifest, "entity" | "businessKey" | "columns" | "cursorField">,
  options: StagesOptions = {}
): Effect.fn.Return<Stages, StageConfigError> {
  const normalizer = yield* makeNormalizer(manifest, options.normalize)
  const validator = makeValidator({
    columns: normalizer.columns,
    businessKey: normalizer.businessKey,
    ...(options.required === undefined ? {} : { required: options.required })
  })
  const transform = options.transform
  if (transform === undefined) {
    const selector = yield* makeSelector(normalizer, options.select)
    const mapper = yield* makeMapper(selector.spec, {
      ...options.map,
      columnNames: { ...options.map?.columnNames, ...selector.columnNames }
    })
    const identifier = yield* makeRecordIdentifier(mapper, options.identity)
    return withFastPath({ normalizer, validator, selector, transformer: undefined, mapper, identifier })
  }
  const where = options.select?.where
  const selector = yield* makeSelector(normalizer, where === undefined ? {} : { where })
  const key = transform.key ?? options.select?.key
  const transformer = yield* makeTransformer(normalizer, key === undefined ? transform : { ...transform, key })
  const mapper = yield* makeMapper(transformer.spec)
  const identifier = yield* makeRecordIdentifier(mapper, options.identity)
  return withFastPath({ normalizer, validator, selector, transformer, mapper, identifier })
})

const concat = (...lists: ReadonlyArray<ReadonlyArray<RecordFailure>>): ReadonlyArray<RecordFailure> =>
  lists.every((l) => l.length === 0) ? [] : lists.flat()

/** Milliseconds spent in each of stages 2-5, added to by {@link runStages} when it is given one. */
export interface StageTimes {
  normalize: number
  validate: number
  /** The field mapping (zero without one). */
  transform: number
  map: number
  identify: number
}

/** A fresh {@link StageTimes}, all zero. */
export const emptyStageTimes = (): StageTimes => ({ normalize: 0, validate: 0, transform: 0, map: 0, identify: 0 })

/** A chunk through Normalize, Validate and Select, with the time they took. */
interface Selected {
  readonly records: ReadonlyArray<SourceRecord>
  readonly normalized: ReturnType<typeof normalizeChunk>
  readonly validated: ReturnType<typeof validateChunk>
  readonly selected: ReturnType<typeof selectChunk>
}

const select = (stages: Stages, records: ReadonlyArray<SourceRecord>, times?: StageTimes): Selected => {
  const t0 = times === undefined ? 0 : performance.now()
  const normalized = normalizeChunk(stages.normalizer, records)
  const t1 = times === undefined ? 0 : performance.now()
  const validated = validateChunk(stages.validator, normalized.ok)
  if (times !== undefined) {
    const t2 = performance.now()
    times.normalize += t1 - t0
    times.validate += t2 - t1
  }
  return { records, normalized, validated, selected: selectChunk(stages.selector, validated.ok) }
}

const finish = (stages: Stages, chunk: Selected, times?: StageTimes): StagesResult => {
  const { records, normalized, validated, selected } = chunk
  const t2 = times === undefined ? 0 : performance.now()
  const transformed = stages.transformer === undefined ? undefined : transformChunk(stages.transformer, selected.ok)
  const tTransformed = times === undefined ? 0 : performance.now()
  const mapped = mapChunk(stages.mapper, transformed === undefined ? selected.ok : transformed.ok)
  const t3 = times === undefined ? 0 : performance.now()
  const identified = identifyChunk(stages.identifier, mapped.ok)
  if (times !== undefined) {
    const t4 = performance.now()
    times.transform += tTransformed - t2
    times.map += t3 - tTransformed
    times.identify += t4 - t3
  }
  return {
    ok: identified.ok,
    failures: concat(
      normalized.failures,
      validated.failures,
      transformed?.failures ?? [],
      mapped.failures,
      identified.failures
    ),
    counts: {
      input: records.length,
      normalized: normalized.ok.length,
      validated: validated.ok.length,
      mapped: mapped.ok.length,
      identified: identified.ok.length,
      failed: records.length - identified.ok.length - selected.skipped,
      ...(stages.selector.keep === undefined ? {} : { filtered: selected.skipped }),
      ...(transformed === undefined ? {} : { transformed: transformed.ok.length })
    },
    unknownFields: normalized.unknownFields
  }
}

/**
 * Stages 2-5 on a chunk one stage after the other (what {@link runStages} gives, on the sampled
 * chunks and with a field mapping), adding each stage's time to `times` when given.
 */
export const runStagesByStage = (
  stages: Stages,
  records: ReadonlyArray<SourceRecord>,
  times?: StageTimes
): StagesResult => finish(stages, select(stages, records, times), times)

const addTimes = (to: StageTimes, from: StageTimes): void => {
  to.normalize += from.normalize
  to.validate += from.validate
  to.transform += from.transform
  to.map += from.map
  to.identify += from.identify
}

// Splits a fused chunk's time between the stages in the sampled proportions.
const splitTime = (times: StageTimes, sampled: StageTimes, ms: number): void => {
  const total = sampled.normalize + sampled.validate + sampled.map + sampled.identify
  if (total <= 0) {
    times.normalize += ms
    return
  }
  times.normalize += (ms * sampled.normalize) / total
  times.validate += (ms * sampled.validate) / total
  times.map += (ms * sampled.map) / total
  times.identify += (ms * sampled.identify) / total
}

/**
 * Runs stages 2-5 on a chunk of raw records, adding each stage's time to `times` when given.
 * Never fails: rejected records are in `failures`. Stages whose field mapping looks up other synced
 * tables need {@link runStagesLoading} (here such a record fails, its key not read). Without a
 * field mapping the chunk runs record by record (`fusedChunk`: same results and failures), except
 * the timing samples (see {@link StageSample}); with one, stage by stage.
 */
export const runStages = (stages: Stages, records: ReadonlyArray<SourceRecord>, times?: StageTimes): StagesResult => {
  if (stages.transformer !== undefined) return runStagesByStage(stages, records, times)
  if (times === undefined) return fusedChunk(stages, records)
  const sample = stages.sample
  if (sample.chunks++ % SAMPLE_EVERY === 0) {
    const measured = emptyStageTimes()
    const result = runStagesByStage(stages, records, measured)
    addTimes(sample.times, measured)
    addTimes(times, measured)
    return result
  }
  const t0 = performance.now()
  const result = fusedChunk(stages, records)
  splitTime(times, sample.times, performance.now() - t0)
  return result
}

/**
 * {@link runStages} for stages whose field mapping looks up other synced tables: the keys of the
 * selected records are read from those tables (one query per lookup, kept for the window) before the
 * Transform stage, the time counted as the Transform stage's. Fails only when a table cannot be read.
 */
export const runStagesLoading = (
  stages: Stages,
  records: ReadonlyArray<SourceRecord>,
  times?: StageTimes
): Effect.Effect<StagesResult, EtlRunError, SqlClient.SqlClient> => {
  const transformer = stages.transformer
  if (transformer === undefined || transformer.lookups.length === 0) {
    return Effect.sync(() => runStages(stages, records, times))
  }
  return Effect.gen(function* () {
    const chunk = select(stages, records, times)
    const t0 = times === undefined ? 0 : performance.now()
    yield* loadTableLookups(
      transformer.lookups,
      chunk.selected.ok.map((record) => record.normalized)
    )
    if (times !== undefined) times.transform += performance.now() - t0
    return finish(stages, chunk, times)
  })
}

/** Starts a new window for the stages' table lookups (their cached rows are dropped). */
export const newLookupWindow = (stages: Stages): void => {
  for (const lookup of stages.transformer?.lookups ?? []) lookup.newWindow()
}
