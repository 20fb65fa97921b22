/**
 * `syncflow definitions conflicts` as a user runs it (real child processes on the server's test
 * database, the fake Planning Center on loopback): a two-way definition under the `manual` policy
 * holds a person edited on both sides on the same field; the CLI lists the held conflict (`--json`,
 * the API's `ConflictView`), shows it with both versions, refuses a merged record with a field that
 * is not synced (exit 1, naming `record.<field>`), and resolves it by a side; `syncflow definitions
 * run` then writes the resolution to both sides.
 */
import { assert, layer } from "@effect/vitest"
import { FakePco } from "@syncflow/pco/testing"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { ConflictView } from "../src/api/groups/ConflictsGroup.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"
import { call, testServerLayer } from "./fixtures.ts"

const decodeList = jsonOutput(Schema.Array(ConflictView))
const decodeOne = jsonOutput(ConflictView)

layer(testServerLayer, { timeout: spawningTimeout * 6, excludeTestServices: true })(
  "syncflow definitions conflicts",
  (it) => {
    it.effect(
      "list, show and resolve a held conflict; the next run writes the resolution to both sides",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakePco.make({ people: 10, seed: 32 })
          const created = yield* call("POST", "/api/v1/connectors", {
            body: {
              id: "church3",
              adapter: "pco",
              name: "Church CLI",
              config: { baseUrl: fake.baseUrl },
              credentials: {
                type: "personalAccessToken",
                appId: fake.personalAccessToken.username,
                secret: Redacted.value(fake.personalAccessToken.password)
              }
            }
          })
          assert.strictEqual(created.status, 201, JSON.stringify(created.body))
          assert.strictEqual((yield* call("POST", "/api/v1/connectors/church3/discover")).status, 200)
          const definition = yield* call("POST", "/api/v1/definitions", {
            body: {
              id: "people-cli",
              name: "People both ways (CLI)",
              source: { connectorId: "church3", entity: "person" },
              destination: { kind: "postgres", schema: "church3", table: "people" },
              direction: "bidirectional",
              bidirectional: { fields: { first_name: {}, last_name: {}, nickname: {} }, conflictPolicy: "manual" }
            }
          })
          assert.strictEqual(definition.status, 201, JSON.stringify(definition.body))
          assert.strictEqual((yield* call("POST", "/api/v1/definitions/people-cli/run")).status, 202)

          const [someone = ""] = fake.truth.ids("Person")
          const sql = yield* SqlClient.SqlClient
          yield* fake.mutate.update("Person", someone, { nickname: "FromPco" })
          yield* sql.unsafe(`UPDATE church3.people SET nickname = 'FromTable' WHERE _source_id = $1`, [someone])
          assert.strictEqual((yield* call("POST", "/api/v1/definitions/people-cli/run")).status, 202)

          const env = yield* cliEnv
          const held = decodeList(
            ok(yield* syncflow(["definitions", "conflicts", "list", "people-cli", "--status", "held", "--json"], env))
          )
          assert.strictEqual(held.length, 1)
          const conflict = held[0]
          assert.deepInclude(conflict, { sourceId: someone, fields: ["nickname"], policy: "manual", status: "held" })
          const id = conflict?.id ?? ""

          const shown = decodeOne(ok(yield* syncflow(["definitions", "conflicts", "show", "people-cli", id], env)))
          assert.strictEqual(shown.source?.nickname, "FromPco")
          assert.strictEqual(shown.table?.nickname, "FromTable")

          const refused = yield* syncflow(
            ["definitions", "conflicts", "resolve", "people-cli", id, "--record", '{"shoe_size":"9"}'],
            env
          )
          assert.strictEqual(refused.code, 1)
          assert.include(refused.stderr, "record.shoe_size")

          const resolved = ok(
            yield* syncflow(["definitions", "conflicts", "resolve", "people-cli", id, "--side", "target"], env)
          )
          assert.include(resolved, `Resolved conflict ${id} (target)`)
          // Nothing moved yet: the next cycle writes it.
          assert.strictEqual(fake.truth.get("Person", someone)?.attributes.nickname, "FromPco")

          ok(yield* syncflow(["definitions", "run", "people-cli"], env))
          assert.strictEqual(fake.truth.get("Person", someone)?.attributes.nickname, "FromTable")
          const [row] = yield* sql.unsafe<{ readonly nickname: string }>(
            `SELECT nickname FROM church3.people WHERE _source_id = $1`,
            [someone]
          )
          assert.strictEqual(row?.nickname, "FromTable")
          const closed = decodeOne(ok(yield* syncflow(["definitions", "conflicts", "show", "people-cli", id], env)))
          assert.strictEqual(closed.status, "closed")
        }).pipe(Effect.scoped),
      spawningTimeout * 6
    )
  }
)
