/** Helpers to read a whole listing in the tests (small entities only: they collect). */
import type { Adapter, ListRecordsOptions, SourceRecord } from "@syncflow/adapter-core"
import { Effect, Stream } from "effect"
import type { FakeErp } from "../../src/testing/index.ts"
import { normalizeRecord } from "./referenceNormalizer.ts"

/** Every record of an entity, through the adapter. */
export const recordsOf = (adapter: Adapter, entity: string, options: ListRecordsOptions = {}) =>
  adapter.streamPages(entity, options).pipe(
    Stream.flatMap((page) => Stream.fromArray(page.items)),
    Stream.runCollect
  )

/** Every record of an entity, normalized by the reference normalizer with the entity's manifest. */
export const cleanRecordsOf = Effect.fnUntraced(function* (
  adapter: Adapter,
  entity: string,
  options: ListRecordsOptions = {}
) {
  const manifest = (yield* adapter.manifests).find((m) => m.entity === entity)
  if (manifest === undefined) return yield* Effect.die(`no manifest for ${entity}`)
  const records = yield* recordsOf(adapter, entity, options)
  return records.map((record: SourceRecord) => normalizeRecord(record, manifest.columns ?? []))
})

/** The fake's ground truth of an entity, collected. */
export const truthOf = (fake: FakeErp.FakeErp, entity: string, rowversionGt?: string) =>
  Array.from(fake.groundTruth.rows(entity, { rowversionGt }))

/** The Oracle keys of records or clean rows, as comparable strings. */
export const keysOf = (rows: ReadonlyArray<{ readonly oracleKeys: unknown } | SourceRecord>): Array<string> =>
  rows.map((row) => JSON.stringify("oracleKeys" in row ? row.oracleKeys : row._oracle_keys))
