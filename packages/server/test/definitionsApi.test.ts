/**
 * Sync definitions through the admin API over real HTTP, against a real PostgreSQL and the fake ERP:
 * discovery creates each entity's default definition; a definition with a mapping and a filter is
 * created, read, listed, changed and deleted; every invalid definition is a 400 problem naming the
 * field, and nothing is stored; default definitions cannot be changed (409) but run their entity's sync.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Option, Redacted, Schema } from "effect"
import { DefinitionRunTriggered, DefinitionView } from "../src/api/groups/DefinitionsGroup.ts"
import { EntityView, ExecutionView, RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"
import { liveRows } from "./liveRows.ts"

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("sync definitions API", (it) => {
  it.effect("CRUD, validation naming the field, and the default definitions discovery creates", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 11, rows: { items: 50, customers: 10, orders: 10 } })
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
      const items = entities.find((e) => e.entity === "items")
      assert.isDefined(items)
      const columns = (items?.manifest.columns ?? []).map((c) => c.name)
      const key = items?.manifest.businessKey ?? []
      const others = columns.filter((c) => !key.includes(c))
      assert.isAtLeast(others.length, 2)
      const [first = "", second = ""] = others

      // Every discovered entity has its default definition: the entity into its PostgreSQL table.
      const defaults = bodyAs(yield* call("GET", "/api/v1/definitions?connector=erp"), Schema.Array(DefinitionView))
      assert.sameMembers(
        defaults.filter((d) => d.isDefault).map((d) => d.id),
        entities.map((e) => `erp:${e.entity}`)
      )
      const itemsDefault = defaults.find((d) => d.id === "erp:items")
      assert.deepInclude(itemsDefault, {
        name: "erp:items",
        source: { connectorId: "erp", entity: "items" },
        destination: { kind: "postgres" },
        operation: "upsert",
        direction: "pull",
        enabled: items?.settings.enabled,
        schedule: { intervalSeconds: items?.settings.intervalSeconds }
      })

      const spec = {
        id: "items-slim",
        name: "Items, slim",
        source: { connectorId: "erp", entity: "items" },
        destination: { kind: "postgres", table: "items_slim" },
        mapping: { ...Object.fromEntries(key.map((k) => [k, k])), [first]: `${first}_renamed`, [second]: second },
        filters: [{ field: second, op: "notNull" }],
        schedule: { cron: "*/15 * * * *" }
      }
      const made = yield* call("POST", "/api/v1/definitions", { body: spec })
      assert.strictEqual(made.status, 201, JSON.stringify(made.body))
      const definition = bodyAs(made, DefinitionView)
      assert.deepInclude(definition, {
        id: "items-slim",
        isDefault: false,
        operation: "upsert",
        direction: "pull",
        enabled: true,
        matchKey: null,
        schedule: { cron: "*/15 * * * *" }
      })
      assert.deepStrictEqual(definition.mapping, spec.mapping)
      assert.deepStrictEqual(bodyAs(yield* call("GET", "/api/v1/definitions/items-slim"), DefinitionView), definition)
      // By name too.
      assert.strictEqual(
        bodyAs(yield* call("GET", `/api/v1/definitions/${encodeURIComponent("Items, slim")}`), DefinitionView).id,
        "items-slim"
      )
      // Run it (its durable workflow): the table holds the truth's rows that pass the filter, its
      // run is readable by the id the answer gave, and listed as the definition's.
      const started = yield* call("POST", "/api/v1/definitions/items-slim/run")
      assert.strictEqual(started.status, 202, JSON.stringify(started.body))
      const trigger = bodyAs(started, DefinitionRunTriggered)
      assert.deepInclude(trigger, { status: "started", definitionId: "items-slim" })
      assert.isString(trigger.executionId)
      assert.isString(trigger.runId)
      const slimRun = yield* eventually(
        Effect.map(call("GET", `/api/v1/runs/${trigger.runId}`), (reply) => {
          if (reply.status !== 200) return Option.none()
          const run = bodyAs(reply, RunView)
          return run.status !== "running" ? Option.some(run) : Option.none()
        })
      )
      // Its execution, once it has ended: succeeded, with its run.
      const execution = yield* eventually(
        Effect.map(call("GET", `/api/v1/executions/${trigger.executionId}`), (reply) => {
          if (reply.status !== 200) return Option.none()
          const view = bodyAs(reply, ExecutionView)
          return view.status !== "running" ? Option.some(view) : Option.none()
        })
      )
      assert.strictEqual(execution.executionId, trigger.executionId)
      assert.strictEqual(execution.status, "succeeded")
      assert.includeMembers(
        execution.runs.map((link) => link.runId),
        [trigger.runId]
      )
      const listed = bodyAs(yield* call("GET", "/api/v1/definitions/items-slim/runs"), Schema.Array(RunView))
      assert.deepStrictEqual(
        listed.map((run) => run.id),
        [trigger.runId]
      )
      const passing = [...fake.groundTruth.rows("items")].filter((row) => row.values[second] !== null).length
      assert.deepInclude(slimRun, { status: "succeeded" })
      assert.strictEqual(slimRun?.counts.inserted, passing)
      assert.strictEqual(yield* liveRows("erp", "items_slim"), passing)

      const again = yield* call("POST", "/api/v1/definitions", { body: { ...spec, id: "other" } })
      assert.strictEqual(again.status, 409)
      assert.deepInclude(again.body, { field: "name" })

      // Each rule, refused with the field named; nothing stored.
      const refused = (body: Record<string, unknown>, field: string) =>
        Effect.gen(function* () {
          const reply = yield* call("POST", "/api/v1/definitions", {
            body: { ...spec, id: "bad", name: "Bad", ...body }
          })
          assert.strictEqual(reply.status, 400, `${field}: ${JSON.stringify(reply.body)}`)
          assert.deepInclude(reply.body, { field })
        })
      yield* refused({ mapping: { ...spec.mapping, no_such_field: "x" } }, "mapping.no_such_field")
      yield* refused({ matchKey: ["no_such_column"] }, "matchKey[0]")
      yield* refused({ matchKey: [first] }, "matchKey[0]") // mapped under another name
      yield* refused({ mapping: { [first]: first } }, "matchKey") // the business key is not mapped
      yield* refused({ filters: [{ field: "nope", op: "eq", value: 1 }] }, "filters[0].field")
      yield* refused({ source: { connectorId: "nobody", entity: "items" } }, "source.connectorId")
      yield* refused({ source: { connectorId: "erp", entity: "nothing" } }, "source.entity")
      yield* refused({ destination: { kind: "postgres", table: "Not An Identifier" } }, "destination.table")
      yield* refused(
        { destination: { kind: "connector", connectorId: "nobody", entity: "x" } },
        "destination.connectorId"
      )
      // APISmith's adapter has no write side.
      yield* refused(
        { destination: { kind: "connector", connectorId: "erp", entity: "customers" } },
        "destination.connectorId"
      )
      yield* refused({ direction: "push" }, "direction")
      yield* refused({ schedule: { cron: "61 * * * *" } }, "schedule.cron")
      yield* refused({ operation: "delete" }, "operation")
      yield* refused({ name: "a:b" }, "name")
      const all = bodyAs(yield* call("GET", "/api/v1/definitions"), Schema.Array(DefinitionView))
      assert.isFalse(all.some((d) => d.id === "bad"))

      // Change: absent fields kept, the result validated again.
      const changed = yield* call("PATCH", "/api/v1/definitions/items-slim", {
        body: { enabled: false, filters: [{ field: second, op: "in", values: ["a", "b"] }], schedule: null }
      })
      assert.strictEqual(changed.status, 200, JSON.stringify(changed.body))
      assert.deepInclude(bodyAs(changed, DefinitionView), { enabled: false, schedule: null, name: "Items, slim" })
      const badChange = yield* call("PATCH", "/api/v1/definitions/items-slim", { body: { matchKey: ["zzz"] } })
      assert.strictEqual(badChange.status, 400)
      assert.deepInclude(badChange.body, { field: "matchKey[0]" })
      assert.deepInclude(bodyAs(yield* call("GET", "/api/v1/definitions/items-slim"), DefinitionView), {
        matchKey: null
      })

      // Default definitions follow their entity: 409 to change or delete, and they run its sync.
      assert.strictEqual(
        (yield* call("PATCH", "/api/v1/definitions/erp:items", { body: { enabled: false } })).status,
        409
      )
      assert.strictEqual((yield* call("DELETE", "/api/v1/definitions/erp:items")).status, 409)
      const run = yield* call("POST", "/api/v1/definitions/erp:customers/run")
      assert.strictEqual(run.status, 202, JSON.stringify(run.body))
      assert.deepInclude(bodyAs(run, DefinitionRunTriggered), { definitionId: "erp:customers", status: "started" })

      assert.strictEqual((yield* call("DELETE", "/api/v1/definitions/items-slim")).status, 204)
      assert.strictEqual((yield* call("GET", "/api/v1/definitions/items-slim")).status, 404)
      assert.strictEqual((yield* call("DELETE", "/api/v1/definitions/items-slim")).status, 404)
    })
  )
})
