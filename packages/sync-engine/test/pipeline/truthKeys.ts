/**
 * Ground-truth helpers of the orphan and retry tests: the fake's clean rows with the business-key
 * hash the engine must store them under, and the tables' flagged, live and soft-deleted keys.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import type { FakeErp } from "@syncflow/apismith/testing"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { identifyChunk } from "../../src/stages/identity/identifyChunk.ts"
import { mapChunk } from "../../src/stages/map/mapChunk.ts"
import { makeStages } from "../../src/stages/Stages.ts"
import { apiSmithStages } from "./fixtures.ts"

/** One row of the fake's ground truth: its business-key hash and clean values. */
export interface TruthRow {
  readonly key: string
  readonly values: Readonly<Record<string, unknown>>
}

/** The fake's ground truth of an entity, keyed as the engine must store it. */
export const truthRows = Effect.fnUntraced(function* (fake: FakeErp.FakeErp, manifest: EntityManifest) {
  const stages = yield* makeStages(manifest, apiSmithStages)
  const clean = Array.from(fake.groundTruth.rows(manifest.entity), (row) => ({
    raw: row.values,
    normalized: row.values
  }))
  return identifyChunk(stages.identifier, mapChunk(stages.mapper, clean).ok).ok.map(
    (row): TruthRow => ({ key: row.keyHash, values: row.raw })
  )
})

/** The business-key hash of a key given by its column values. */
export const keyOf = Effect.fnUntraced(function* (manifest: EntityManifest, key: Readonly<Record<string, unknown>>) {
  const stages = yield* makeStages(manifest, apiSmithStages)
  const hash = stages.identifier.businessKey.hash(key)
  if (hash === undefined) return yield* Effect.die(new Error(`no key in ${JSON.stringify(key)}`))
  return hash
})

/** The business-key hashes of an entity's rows (in its connector's schema) matching a condition on its audit columns. */
export const keysWhere = Effect.fnUntraced(function* (table: string, condition: string, schema = "erp") {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql.unsafe<{ readonly bk: string }>(
    `SELECT _bk_hash AS bk FROM "${schema}"."${table}" WHERE ${condition} ORDER BY _bk_hash`
  )
  return new Set(rows.map((row) => row.bk))
})

/** Two sets hold the same members. */
export const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((member) => b.has(member))
