/**
 * An initial sync of every entity of the fake ERP (the durable SyncConnector workflow, on one
 * in-process runner), then each table compared with the fake's ground
 * truth: every row (by business key), every column (as PostgreSQL renders the stored value), the row
 * counts. Text the source sent as white space only (`"   "`, `"\t"`, `" \r\n "`, blank CHAR padding)
 * is NULL, as Oracle's `''` is.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import type { FakeErp } from "@syncflow/apismith/testing"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { inProcessWorkflows } from "../workflow/inProcessWorkflows.ts"
import { cleanText, engineLayer, fakeErp, storedRows } from "./fixtures.ts"

interface ServedRow {
  readonly oracle_keys: Readonly<Record<string, unknown>>
  readonly data: Readonly<Record<string, unknown>>
}

/** Every row the fake serves for an entity, as sent (messy values included). */
const servedRows = function* (fake: FakeErp.FakeErp, slug: string): Generator<ServedRow> {
  for (let page = 1; ; page++) {
    const rendered = fake.dataset.renderPage(slug, { page, pageSize: 1000 })
    yield* (JSON.parse(rendered.body) as { readonly rows: ReadonlyArray<ServedRow> }).rows
    if (!rendered.hasMore) return
  }
}

/** A row's business key as text, from its values in manifest column order. */
const keyOf = (manifest: EntityManifest, values: ReadonlyArray<string | null>): string => {
  const columns = manifest.columns ?? []
  return JSON.stringify(manifest.businessKey.map((name) => values[columns.findIndex((c) => c.name === name)]))
}

/** The Oracle text types whose blank values must arrive as NULL. */
const textFamily = (dataType: string): "VARCHAR2" | "CHAR" | "CLOB" | undefined =>
  /^N?VARCHAR2/.test(dataType)
    ? "VARCHAR2"
    : /^N?CHAR/.test(dataType)
      ? "CHAR"
      : /^N?CLOB/.test(dataType)
        ? "CLOB"
        : undefined

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("initial sync of every ERP entity", (it) => {
  it.effect("every table equals the ground truth, row by row and column by column; blank text is NULL", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests } = yield* fakeErp({
        seed: 21,
        rows: { items: 2500, customers: 400, orders: 600 }
      })
      const slugs = fake.dataset.slugs
      assert.sameMembers(
        manifests.map((m) => m.entity),
        [...slugs]
      )
      yield* (yield* ConnectorStore).createConnector({ id: "erp-all", adapter: "apismith", name: "ERP" })

      const workflows = yield* inProcessWorkflows(adapter, {})
      const summaries = yield* workflows.runConnector({ connectorId: "erp-all", mode: "incremental" })
      assert.sameMembers(
        summaries.map((s) => s.entity),
        [...slugs]
      )
      for (const summary of summaries) {
        const total = fake.groundTruth.count(summary.entity)
        assert.deepInclude(summary.counts, { fetched: total, inserted: total, failed: 0 }, summary.entity)
      }

      const dataTypes = new Map(
        fake.dataset.metadata().flatMap((api) => api.columns.map((c) => [`${api.slug}.${c.name}`, c.data_type]))
      )
      const compared: Record<string, { rows: number; values: number }> = {}
      const blanks = { VARCHAR2: 0, CHAR: 0, CLOB: 0 }
      for (const manifest of manifests) {
        const entity = manifest.entity
        const columns = manifest.columns ?? []
        assert.isAbove(columns.length, 0, entity)
        // The truth: the fake's clean rows, keyed by business key; and by Oracle keys, to find served rows.
        const expected = new Map<string, ReadonlyArray<string | null>>()
        const byOracleKeys = new Map<string, string>()
        for (const row of fake.groundTruth.rows(entity)) {
          const values = columns.map((c) => cleanText(row.values[c.name]))
          const key = keyOf(manifest, values)
          assert.isFalse(expected.has(key), `${entity}: truth repeats ${key}`)
          expected.set(key, values)
          byOracleKeys.set(JSON.stringify(row.oracleKeys), key)
        }
        const stored = yield* storedRows(entity, columns, "erp_all")
        assert.strictEqual(stored.length, expected.size, `${entity}: rows in the table`)
        const problems: Array<string> = []
        const seen = new Set<string>()
        for (const row of stored) {
          const key = keyOf(manifest, row.values)
          if (row.deleted) problems.push(`${entity} ${key}: soft-deleted`)
          if (seen.has(key)) problems.push(`${entity} ${key}: twice`)
          seen.add(key)
          const truth = expected.get(key)
          if (truth === undefined) {
            problems.push(`${entity} ${key}: not in the source`)
            continue
          }
          columns.forEach((column, i) => {
            if (row.values[i] !== truth[i]) {
              problems.push(
                `${entity} ${key} ${column.name}: stored ${JSON.stringify(row.values[i])}, truth ${JSON.stringify(truth[i])}`
              )
            }
          })
        }
        assert.deepStrictEqual(problems.slice(0, 10), [], `${problems.length} differences`)
        assert.strictEqual(seen.size, expected.size, entity)
        compared[entity] = { rows: stored.length, values: stored.length * columns.length }

        // Values the source sent as white space only, in declared text columns: NULL in the table.
        const storedByKey = new Map(stored.map((row) => [keyOf(manifest, row.values), row.values]))
        for (const served of servedRows(fake, entity)) {
          const key = byOracleKeys.get(JSON.stringify(served.oracle_keys))
          assert.isDefined(key, `${entity}: served row ${JSON.stringify(served.oracle_keys)} is not in the truth`)
          columns.forEach((column, i) => {
            const raw = served.data[column.name]
            const family = textFamily(dataTypes.get(`${entity}.${column.name}`) ?? "")
            if (family === undefined || typeof raw !== "string" || raw === "" || raw.trim() !== "") return
            blanks[family]++
            assert.strictEqual(storedByKey.get(key ?? "")?.[i], null, `${entity} ${key} ${column.name}`)
          })
        }
      }
      // Every entity was compared, and blanks arrived in each text type.
      assert.sameMembers(Object.keys(compared), [...slugs])
      for (const entity of slugs) assert.isAbove(compared[entity]?.rows ?? 0, 0, entity)
      assert.isAbove(blanks.VARCHAR2, 0, "VARCHAR2 blanks")
      assert.isAbove(blanks.CHAR, 0, "CHAR blanks")
      assert.isAbove(blanks.CLOB, 0, "CLOB blanks")
    }).pipe(Effect.scoped)
  )
})
