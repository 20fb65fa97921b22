/**
 * A two-way definition through the API: created with its settings, run (one cycle per request) to
 * bring Planning Center's people into its table, then a person edited on both sides on the same
 * field under the `manual` policy: the run holds the conflict (nothing of the person moves), the
 * conflict is listed and shown with both versions, a bad resolution is a 400 naming the field, and
 * the resolution by the merged record reaches both sides on the next run; `/metrics` counts it.
 */
import { assert, layer } from "@effect/vitest"
import { FakePco } from "@syncflow/pco/testing"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { ConflictView } from "../src/api/groups/ConflictsGroup.ts"
import { DefinitionRunTriggered, DefinitionView } from "../src/api/groups/DefinitionsGroup.ts"
import { bodyAs, call, testServerLayer } from "./fixtures.ts"

const run = (id: string) =>
  Effect.map(call("POST", `/api/v1/definitions/${id}/run`), (reply) => {
    assert.strictEqual(reply.status, 202, JSON.stringify(reply.body))
    return bodyAs(reply, DefinitionRunTriggered)
  })

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("two-way definitions through the API", (it) => {
  it.effect(
    "a held conflict is listed, shown and resolved through the API; both sides take the resolution",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakePco.make({ people: 10, seed: 31 })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "church2",
            adapter: "pco",
            name: "Church two-way",
            config: { baseUrl: fake.baseUrl },
            credentials: {
              type: "personalAccessToken",
              appId: fake.personalAccessToken.username,
              secret: Redacted.value(fake.personalAccessToken.password)
            }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/church2/discover")).status, 200)
        const bad = yield* call("POST", "/api/v1/definitions", {
          body: {
            id: "people-bad",
            name: "people-bad",
            source: { connectorId: "church2", entity: "person" },
            destination: { kind: "postgres", schema: "church2", table: "people" },
            direction: "bidirectional",
            bidirectional: { fields: { first_name: { column: "_key" } } }
          }
        })
        assert.strictEqual(bad.status, 400)
        assert.include(JSON.stringify(bad.body), "bidirectional.fields.first_name.column")

        const definition = yield* call("POST", "/api/v1/definitions", {
          body: {
            id: "people",
            name: "People both ways",
            source: { connectorId: "church2", entity: "person" },
            destination: { kind: "postgres", schema: "church2", table: "people" },
            direction: "bidirectional",
            bidirectional: { fields: { first_name: {}, last_name: {}, nickname: {} }, conflictPolicy: "manual" }
          }
        })
        assert.strictEqual(definition.status, 201, JSON.stringify(definition.body))
        assert.strictEqual(bodyAs(definition, DefinitionView).bidirectional?.conflictPolicy, "manual")
        const first = yield* run("people")
        assert.strictEqual(first.status, "finished")
        assert.strictEqual(first.cycle?.listed, fake.truth.count("Person"))

        const [someone = ""] = fake.truth.ids("Person")
        const sql = yield* SqlClient.SqlClient
        yield* fake.mutate.update("Person", someone, { nickname: "FromPco" })
        yield* sql.unsafe(`UPDATE church2.people SET nickname = 'FromTable' WHERE _source_id = $1`, [someone])
        const held = yield* run("people")
        assert.strictEqual(held.cycle?.held, 1)
        const nickname = Effect.map(
          sql.unsafe<{ readonly nickname: string }>(`SELECT nickname FROM church2.people WHERE _source_id = $1`, [
            someone
          ]),
          ([row]) => row?.nickname
        )
        // Nothing of the person moved.
        assert.strictEqual(yield* nickname, "FromTable")
        assert.strictEqual(fake.truth.get("Person", someone)?.attributes.nickname, "FromPco")

        const listed = bodyAs(
          yield* call("GET", "/api/v1/definitions/people/conflicts?status=held"),
          Schema.Array(ConflictView)
        )
        assert.strictEqual(listed.length, 1)
        const conflict = listed[0]
        assert.deepInclude(conflict, { sourceId: someone, fields: ["nickname"], policy: "manual", outcome: "held" })
        const shown = bodyAs(yield* call("GET", `/api/v1/definitions/people/conflicts/${conflict?.id}`), ConflictView)
        assert.strictEqual(shown.source?.nickname, "FromPco")
        assert.strictEqual(shown.table?.nickname, "FromTable")

        const refused = yield* call("POST", `/api/v1/definitions/people/conflicts/${conflict?.id}/resolve`, {
          body: { record: { shoe_size: "9" } }
        })
        assert.strictEqual(refused.status, 400)
        assert.include(JSON.stringify(refused.body), "record.shoe_size")
        const resolved = yield* call("POST", `/api/v1/definitions/people/conflicts/${conflict?.id}/resolve`, {
          body: { record: { nickname: "Merged" } }
        })
        assert.strictEqual(resolved.status, 200, JSON.stringify(resolved.body))
        assert.deepInclude(bodyAs(resolved, ConflictView), { status: "resolved", outcome: "record" })
        const again = yield* call("POST", `/api/v1/definitions/people/conflicts/${conflict?.id}/resolve`, {
          body: { side: "source" }
        })
        assert.strictEqual(again.status, 409)

        const applied = yield* run("people")
        assert.strictEqual(applied.cycle?.resolutionsApplied, 1)
        assert.strictEqual(yield* nickname, "Merged")
        assert.strictEqual(fake.truth.get("Person", someone)?.attributes.nickname, "Merged")
        const closed = bodyAs(yield* call("GET", `/api/v1/definitions/people/conflicts/${conflict?.id}`), ConflictView)
        assert.strictEqual(closed.status, "closed")

        const metrics = yield* call("GET", "/metrics")
        // Resolved by a user's record (held while it waited).
        const lines = String(metrics.body).split("\n")
        const sample = (name: string, labels: ReadonlyArray<string>) =>
          lines.find((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)))
        assert.match(
          sample("syncflow_two_way_conflicts_total", ['definition="people"', 'policy="manual"', 'outcome="record"']) ??
            "",
          / 1$/
        )
        assert.match(sample("syncflow_two_way_conflicts_held", ['definition="people"']) ?? "", / 0$/)
        assert.strictEqual((yield* call("GET", "/api/v1/definitions/nope/conflicts")).status, 404)
      }).pipe(Effect.scoped),
    120_000
  )
})
