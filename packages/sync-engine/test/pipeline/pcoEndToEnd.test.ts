/**
 * Planning Center end to end: people with their households and emails, from the fake PCO over
 * real HTTP into PostgreSQL tables whose columns come from the records themselves, through the
 * durable SyncConnector workflow (on one in-process runner) as every sync runs.
 */
import { assert, layer } from "@effect/vitest"
import { PcoAdapter, PcoClient } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import { Context, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { inProcessWorkflows } from "../workflow/inProcessWorkflows.ts"
import { engineLayer } from "./fixtures.ts"

layer(engineLayer, { timeout: 60_000, excludeTestServices: true })("PCO end to end", (it) => {
  it.effect("syncs people, households, memberships and emails; a changed person is updated on the next run", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 40, seed: 8 })
      const services = yield* Layer.build(
        PcoAdapter.layer.pipe(
          Layer.provide(
            PcoClient.layerStandalone({
              connectionId: "pco",
              credentials: fake.personalAccessToken,
              baseUrl: fake.baseUrl
            })
          )
        )
      )
      const adapter = Context.get(services, PcoAdapter)
      const workflows = yield* inProcessWorkflows(adapter, {}, { stages: () => undefined })
      yield* (yield* ConnectorStore).createConnector({ id: "pco", adapter: "pco", name: "Church" })
      const entities = ["campus", "person", "household", "household_membership", "email"]

      const first = yield* workflows.runConnector({ connectorId: "pco", entities, mode: "incremental" })
      // Parents first: every entity after the ones it points at.
      const order = first.map((s) => s.entity)
      assert.sameMembers(order, entities)
      assert.isBelow(order.indexOf("person"), order.indexOf("email"))
      assert.isBelow(order.indexOf("household"), order.indexOf("household_membership"))
      assert.isBelow(order.indexOf("person"), order.indexOf("household_membership"))
      const sql = yield* SqlClient.SqlClient
      const count = (table: string) =>
        sql
          .unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM pco."${table}" WHERE NOT _deleted`)
          .pipe(Effect.map(([row]) => row?.n ?? 0))
      assert.strictEqual(yield* count("person"), fake.truth.count("Person"))
      assert.strictEqual(yield* count("household"), fake.truth.count("Household"))
      assert.strictEqual(yield* count("email"), fake.truth.count("Email"))
      assert.strictEqual(yield* count("household_membership"), fake.truth.count("HouseholdMembership"))
      for (const summary of first) assert.strictEqual(summary.counts.failed, 0, summary.entity)

      // Every email belongs to a synced person, joined on the flattened relationship column.
      const [orphans] = yield* sql.unsafe<{ readonly n: number }>(
        `SELECT count(*)::int AS n FROM pco.email e LEFT JOIN pco.person p ON p.id = e.person_id WHERE p.id IS NULL`
      )
      assert.strictEqual(orphans?.n, 0)

      const [someone = ""] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", someone, { first_name: "Renamed" })
      const second = yield* workflows.runConnector({ connectorId: "pco", entities: ["person"], mode: "incremental" })
      assert.strictEqual(second[0]?.counts.updated, 1)
      const [renamed] = yield* sql.unsafe<{ readonly first_name: string }>(
        `SELECT first_name FROM pco.person WHERE id = $1`,
        [someone]
      )
      assert.strictEqual(renamed?.first_name, "Renamed")
    }).pipe(Effect.scoped)
  )
})
