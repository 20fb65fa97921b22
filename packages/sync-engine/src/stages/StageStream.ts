/**
 * Stream wrappers of the chunk-level stages: each maps a stream of record batches (pages, or the
 * chunks of a record stream via `Stream.chunks`) to a stream of chunk results, one pure call per
 * batch — never an effect per record.
 */
import type { Page } from "@syncflow/adapter-core"
import { Stream } from "effect"
import type { ChunkResult } from "./ChunkResult.ts"
import { identifyChunk } from "./identity/identifyChunk.ts"
import type { RecordIdentifier } from "./identity/RecordIdentifier.ts"
import type { Mapper } from "./map/Mapper.ts"
import { mapChunk } from "./map/mapChunk.ts"
import type { Normalizer } from "./normalize/Normalizer.ts"
import { type NormalizeResult, normalizeChunk } from "./normalize/normalizeChunk.ts"
import type { Identified, Mapped, Normalized, SourceRecord } from "./Row.ts"
import { runStages, type Stages, type StagesResult } from "./Stages.ts"
import type { Validator } from "./validate/Validator.ts"
import { validateChunk } from "./validate/validateChunk.ts"

/** Normalize per batch. */
export const normalizeStream =
  (normalizer: Normalizer) =>
  <E, R>(self: Stream.Stream<ReadonlyArray<SourceRecord>, E, R>): Stream.Stream<NormalizeResult, E, R> =>
    Stream.map(self, (records) => normalizeChunk(normalizer, records))

/** Validate per batch. */
export const validateStream =
  (validator: Validator) =>
  <E, R>(self: Stream.Stream<ReadonlyArray<Normalized>, E, R>): Stream.Stream<ChunkResult<Normalized>, E, R> =>
    Stream.map(self, (records) => validateChunk(validator, records))

/** Map per batch. */
export const mapStream =
  (mapper: Mapper) =>
  <E, R>(self: Stream.Stream<ReadonlyArray<Normalized>, E, R>): Stream.Stream<ChunkResult<Mapped>, E, R> =>
    Stream.map(self, (records) => mapChunk(mapper, records))

/** Identity per batch. */
export const identifyStream =
  (identifier: RecordIdentifier) =>
  <E, R>(self: Stream.Stream<ReadonlyArray<Mapped>, E, R>): Stream.Stream<ChunkResult<Identified>, E, R> =>
    Stream.map(self, (records) => identifyChunk(identifier, records))

/** Stages 2-5 per batch of raw records. */
export const stagesStream =
  (stages: Stages) =>
  <E, R>(self: Stream.Stream<ReadonlyArray<SourceRecord>, E, R>): Stream.Stream<StagesResult, E, R> =>
    Stream.map(self, (records) => runStages(stages, records))

/** A page of the adapter's listing with the result of stages 2-5 on its records (its cursors kept for checkpoints). */
export interface StagedPage {
  readonly page: Page<SourceRecord>
  readonly result: StagesResult
}

/** Stages 2-5 per page of an adapter's `streamPages`, keeping each page's cursors with its result. */
export const stagePages =
  (stages: Stages) =>
  <E, R>(self: Stream.Stream<Page<SourceRecord>, E, R>): Stream.Stream<StagedPage, E, R> =>
    Stream.map(self, (page) => ({ page, result: runStages(stages, page.items) }))

/** Stages 2-5 on a stream of single records, one call per chunk of the stream. */
export const stageRecords =
  (stages: Stages) =>
  <E, R>(self: Stream.Stream<SourceRecord, E, R>): Stream.Stream<StagesResult, E, R> =>
    self.pipe(Stream.chunks, stagesStream(stages))
