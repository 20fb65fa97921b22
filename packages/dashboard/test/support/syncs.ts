/**
 * Syncs for the dashboard's browser tests, run through the admin API as the CLI or a script would:
 * one entity synced to its end, and an ERP connector left with failed records (a column retyped
 * upstream whose new values the table's numeric column cannot hold).
 */
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Redacted } from "effect"
import { finishedRun } from "../../../server/test/finishedRun.ts"
import { call } from "./e2eServer.ts"

/** Syncs `connector`'s `entity` through the API and waits for its run to end. */
export const syncEntity = (connector: string, entity: string) =>
  Effect.gen(function* () {
    const before = yield* call("GET", `/api/v1/runs?connector=${connector}&entity=${entity}&limit=1`)
    const previous = (before.body as ReadonlyArray<{ readonly id: string }>)[0]?.id
    const started = yield* call("POST", `/api/v1/connectors/${connector}/entities/${entity}/sync`)
    if (started.status !== 202) return yield* Effect.die(`starting the sync answered ${started.status}`)
    return yield* Effect.orDie(finishedRun(connector, entity, previous))
  })

/** Creates connector `id` to `fake` through the API (discovery never cached) and discovers it. */
export const createErpConnector = (id: string, fake: FakeErp.FakeErp, name = id) =>
  Effect.gen(function* () {
    const created = yield* call("POST", "/api/v1/connectors", {
      body: {
        id,
        adapter: "apismith",
        name,
        config: { baseUrl: fake.baseUrl, pageSize: 100, discoveryTtlSeconds: 0 },
        credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
      }
    })
    if (created.status !== 201) return yield* Effect.die(`creating the connector answered ${created.status}`)
    const discovered = yield* call("POST", `/api/v1/connectors/${id}/discover`)
    if (discovered.status !== 200) return yield* Effect.die(`discovery answered ${discovered.status}`)
  })

/**
 * A connector `erp` whose `items` were synced, then retyped upstream (`weight_kg` from a number to
 * text, some values not numbers) and synced again: the values the table cannot hold are failed
 * records at the ingest stage. Returns the fake and the rows that failed (the fake's ground truth).
 */
export const erpWithFailedRecords = Effect.gen(function* () {
  const fake = yield* FakeErp.make({ seed: 95, rows: { items: 300, customers: 20, orders: 20 } })
  yield* createErpConnector("erp", fake)
  yield* syncEntity("erp", "items")
  const report = yield* fake.mutate("items", { addColumn: true, retypeColumn: true, update: 60, insert: 10 })
  const rediscovered = yield* call("POST", "/api/v1/connectors/erp/discover")
  if (rediscovered.status !== 200) return yield* Effect.die(`discovery answered ${rediscovered.status}`)
  const run = yield* syncEntity("erp", "items")
  const changed = new Set([...report.updated, ...report.inserted].map((keys) => String(keys.PART_NO)))
  const unstorable = Array.from(fake.groundTruth.rows("items")).filter((row) => {
    const weight = row.values.weight_kg
    return changed.has(String(row.values.part_no)) && typeof weight === "string" && !/^\d+(\.\d+)?$/.test(weight)
  })
  if (run.counts.failed !== unstorable.length || unstorable.length === 0)
    return yield* Effect.die(`the second sync failed ${run.counts.failed} rows, the fake has ${unstorable.length}`)
  return { fake, unstorable, run }
})
