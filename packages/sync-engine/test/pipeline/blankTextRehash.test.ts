/**
 * Blank text and the data hash: rows a connector stored with blank text as `""` (before blank text
 * became NULL) are rewritten with NULL by the next complete listing, which sees their data hash
 * change once; the rows without blank text keep their hashes, and the listing after that changes
 * nothing.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { StagesOptions } from "../../src/stages/Stages.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

interface ServedRow {
  readonly data: Readonly<Record<string, unknown>>
}

layer(engineLayer, { timeout: 60_000 })("blank text and the data hash", (it) => {
  it.effect('rows stored with blank text as "" are rewritten with NULL once, the others are unchanged', () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 31, rows: { customers: 1500 } })
      const customers = manifest("customers")
      assert.strictEqual(customers.deltaStrategy, "hash")
      const engine = yield* SyncEngine
      yield* (yield* ConnectorStore).createConnector({ id: "erp-blank", adapter: "apismith", name: "ERP" })
      const sync = (stages: StagesOptions) =>
        engine.syncEntity({ connectorId: "erp-blank", adapter, manifest: customers, stages })

      // The rows whose text columns the source sends blank ("" or white space only): the only ones
      // whose clean form differs between "" kept as a value and blank text as NULL.
      const text = (customers.columns ?? []).filter((c) => c.type === "string").map((c) => c.name)
      let blankRows = 0
      for (let page = 1; ; page++) {
        const rendered = fake.dataset.renderPage("customers", { page, pageSize: 1000 })
        const rows = (JSON.parse(rendered.body) as { readonly rows: ReadonlyArray<ServedRow> }).rows
        for (const row of rows) {
          if (text.some((name) => typeof row.data[name] === "string" && String(row.data[name]).trim() === "")) {
            blankRows++
          }
        }
        if (!rendered.hasMore) break
      }
      assert.isAbove(blankRows, 0)

      // As a connector that stored blank text as "" did.
      const asBefore = {
        ...apiSmithStages,
        normalize: { ...apiSmithStages.normalize, coerce: { emptyStringIsNull: false } }
      }
      assert.deepInclude((yield* sync(asBefore)).counts, { fetched: 1500, inserted: 1500, failed: 0 })

      const rewritten = yield* sync(apiSmithStages)
      assert.deepInclude(rewritten.counts, {
        fetched: 1500,
        inserted: 0,
        updated: blankRows,
        unchanged: 1500 - blankRows,
        deleted: 0,
        failed: 0
      })
      assert.deepStrictEqual(
        yield* storedIdentities("customers", "erp_blank"),
        yield* expectedIdentities(fake, customers)
      )
      assert.deepInclude((yield* sync(apiSmithStages)).counts, { updated: 0, unchanged: 1500 })
    }).pipe(Effect.scoped)
  )
})
