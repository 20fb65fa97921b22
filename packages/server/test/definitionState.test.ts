/**
 * A sync definition's state is its own, over real HTTP against a real PostgreSQL and the fake ERP:
 * the runs and failed records of a definition of `items` are listed at `/definitions/{id}/runs` and
 * `/definitions/{id}/failed-records`, and those of the default sync of `items` at the entity's
 * routes (and its default definition's), never mixed; a definition's failed record is retried
 * through its definition (the row it lost is written back into its table); an unknown definition is
 * a problem+json 404.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { FailedRecordStore } from "@syncflow/sync-engine"
import { Effect, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { DefinitionRunTriggered } from "../src/api/groups/DefinitionsGroup.ts"
import { RetryResult } from "../src/api/groups/RecordsGroup.ts"
import { EntityView, FailedRecordView, RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"
import { liveRows } from "./liveRows.ts"

/** Runs a definition through the API and waits for its run to end; the run. */
const runToEnd = Effect.fnUntraced(function* (definitionId: string) {
  const started = yield* call("POST", `/api/v1/definitions/${definitionId}/run`)
  assert.strictEqual(started.status, 202, JSON.stringify(started.body))
  const { runId } = bodyAs(started, DefinitionRunTriggered)
  return yield* eventually(
    Effect.map(call("GET", `/api/v1/runs/${runId}`), (reply) => {
      if (reply.status !== 200) return Option.none()
      const run = bodyAs(reply, RunView)
      return run.status !== "running" ? Option.some(run) : Option.none()
    })
  )
})

const runsAt = (path: string) => Effect.map(call("GET", path), (reply) => bodyAs(reply, Schema.Array(RunView)))
const failedAt = (path: string) =>
  Effect.map(call("GET", path), (reply) => bodyAs(reply, Schema.Array(FailedRecordView)))

/** The reply is a problem+json 404. */
const notFound = (reply: { readonly status: number; readonly headers: Headers; readonly body: unknown }) => {
  assert.strictEqual(reply.status, 404, JSON.stringify(reply.body))
  assert.match(reply.headers.get("content-type") ?? "", /^application\/problem\+json/)
}

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("a sync definition's state", (it) => {
  it.effect("its runs and failed records are its own, listed and retried through the definition", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 17, rows: { items: 40, customers: 5, orders: 5 } })
      const created = yield* call("POST", "/api/v1/connectors", {
        body: {
          id: "erp",
          adapter: "apismith",
          name: "ERP",
          config: { baseUrl: fake.baseUrl, pageSize: 100 },
          credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
        }
      })
      assert.strictEqual(created.status, 201)
      const entities = bodyAs(yield* call("POST", "/api/v1/connectors/erp/discover"), Schema.Array(EntityView))
      const [key = ""] = entities.find((entity) => entity.entity === "items")?.manifest.businessKey ?? []
      const made = yield* call("POST", "/api/v1/definitions", {
        body: {
          id: "items-copy",
          name: "Items copy",
          source: { connectorId: "erp", entity: "items" },
          destination: { kind: "postgres", table: "items_copy" }
        }
      })
      assert.strictEqual(made.status, 201, JSON.stringify(made.body))

      // The default sync of items (its default definition) and the definition, each run once.
      const defaultRun = yield* runToEnd("erp:items")
      const definitionRun = yield* runToEnd("items-copy")
      const truth = fake.groundTruth.count("items")
      assert.deepInclude(defaultRun, { status: "succeeded", entity: "items", definitionId: null })
      assert.deepInclude(definitionRun, { status: "succeeded", entity: "items", definitionId: "items-copy" })
      assert.strictEqual(definitionRun.counts.inserted, truth)
      assert.strictEqual(yield* liveRows("erp", "items_copy"), truth)

      // Each run is listed where it belongs, and only there.
      const ids = (runs: ReadonlyArray<typeof RunView.Type>) => runs.map((run) => run.id)
      assert.deepStrictEqual(ids(yield* runsAt("/api/v1/definitions/items-copy/runs")), [definitionRun.id])
      assert.deepStrictEqual(ids(yield* runsAt("/api/v1/definitions/Items%20copy/runs?status=succeeded")), [
        definitionRun.id
      ])
      assert.deepStrictEqual(ids(yield* runsAt("/api/v1/definitions/items-copy/runs?status=failed")), [])
      assert.deepStrictEqual(ids(yield* runsAt("/api/v1/connectors/erp/entities/items/runs")), [defaultRun.id])
      assert.deepStrictEqual(ids(yield* runsAt("/api/v1/definitions/erp:items/runs")), [defaultRun.id])

      // A failed record of each: the definition's lost a row (gone from its table since).
      const [lost, other] = Array.from(fake.groundTruth.rows("items"))
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(`DELETE FROM erp.items_copy WHERE "${key}"::text = $1`, [String(lost?.values[key])])
      assert.strictEqual(yield* liveRows("erp", "items_copy"), truth - 1)
      const failure = (definitionId: string | undefined, values: unknown) => ({
        connectorId: "erp",
        entity: "items",
        definitionId,
        runId: definitionId === undefined ? defaultRun.id : definitionRun.id,
        stage: "ingest" as const,
        errorType: "DestinationError",
        message: "connection terminated",
        raw: values
      })
      yield* FailedRecordStore.use((store) =>
        store.recordFailedRecords([failure("items-copy", lost?.values), failure(undefined, other?.values)])
      ).pipe(Effect.provide(FailedRecordStore.layer))

      const definitionFailed = yield* failedAt("/api/v1/definitions/items-copy/failed-records")
      assert.strictEqual(definitionFailed.length, 1)
      const record = definitionFailed[0]!
      assert.deepInclude(record, { entity: "items", definitionId: "items-copy", runId: definitionRun.id })
      const entityFailed = yield* failedAt("/api/v1/connectors/erp/failed-records?entity=items")
      assert.strictEqual(entityFailed.length, 1)
      assert.deepInclude(entityFailed[0], { definitionId: null, runId: defaultRun.id })
      assert.deepStrictEqual(
        (yield* failedAt("/api/v1/definitions/erp:items/failed-records")).map((r) => r.id),
        entityFailed.map((r) => r.id)
      )

      // The other definition's record is not this one's; this one's is retried through the definition.
      notFound(yield* call("POST", `/api/v1/definitions/items-copy/failed-records/${entityFailed[0]?.id}/retry`))
      const retried = yield* call("POST", `/api/v1/definitions/items-copy/failed-records/${record.id}/retry`)
      assert.strictEqual(retried.status, 200, JSON.stringify(retried.body))
      const outcome = bodyAs(retried, RetryResult)
      assert.deepInclude(outcome, { resolved: 1, stillWaiting: 0, stale: 0 })
      assert.strictEqual(outcome.record.resolution, "retried")
      assert.strictEqual(yield* liveRows("erp", "items_copy"), truth)
      assert.deepStrictEqual(yield* failedAt("/api/v1/definitions/items-copy/failed-records"), [])
      assert.deepStrictEqual(
        (yield* failedAt("/api/v1/definitions/items-copy/failed-records?includeResolved=true")).map((r) => r.id),
        [record.id]
      )
      // The default sync's record is still open.
      assert.strictEqual((yield* failedAt("/api/v1/connectors/erp/failed-records?entity=items")).length, 1)

      // The run and row metrics tell the definition's from the default sync's (`definition=""`).
      const metrics = String((yield* call("GET", "/metrics", { token: null })).body)
      const sample = (name: string, labels: Record<string, string>) =>
        metrics
          .split("\n")
          .filter((line) => line.startsWith(`${name}{`))
          .find((line) => Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`)))
          ?.split(" ")
          .at(-1)
      const items = { connector: "erp", entity: "items" }
      assert.strictEqual(
        sample("syncflow_runs_total", { ...items, definition: "items-copy", status: "succeeded" }),
        "1"
      )
      assert.strictEqual(sample("syncflow_runs_total", { ...items, definition: "", status: "succeeded" }), "1")
      assert.strictEqual(
        sample("syncflow_rows_total", { ...items, definition: "items-copy", outcome: "inserted" }),
        String(truth)
      )
      assert.strictEqual(
        sample("syncflow_rows_total", { ...items, definition: "", outcome: "inserted" }),
        String(truth)
      )

      // An unknown definition: problem+json 404s.
      notFound(yield* call("GET", "/api/v1/definitions/nobody/runs"))
      notFound(yield* call("GET", "/api/v1/definitions/nobody/failed-records"))
      notFound(yield* call("POST", `/api/v1/definitions/nobody/failed-records/${record.id}/retry`))
    })
  )
})
