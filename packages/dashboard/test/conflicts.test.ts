/**
 * The conflicts of a two-way definition in a real browser against a real server and the fake
 * Planning Center: a person's nickname edited on both sides under the `manual` policy is held; the
 * conflicts page lists the definition with one held, shows both versions of the record (the
 * conflicting field marked), and resolves it with a merged value; the next cycle writes it to both
 * sides (the table and the fake's ground truth), and the log shows it closed with what it became.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { FakePco } from "../../pco/src/testing/index.ts"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { call, dashboardServerLayer } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"

interface Cycle {
  readonly status: string
  readonly cycle?: { readonly held: number; readonly resolutionsApplied: number }
}

const runDefinition = (id: string) =>
  Effect.gen(function* () {
    const reply = yield* call("POST", `/api/v1/definitions/${id}/run`)
    if (reply.status !== 202)
      return yield* Effect.die(`running ${id} answered ${reply.status}: ${JSON.stringify(reply.body)}`)
    return reply.body as Cycle
  })

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "the conflicts pages",
  (it) => {
    it.effect(
      "a held conflict is shown with both versions and resolved with a merged value that reaches both sides",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakePco.make({ people: 10, seed: 41 })
          const created = yield* call("POST", "/api/v1/connectors", {
            body: {
              id: "church",
              adapter: "pco",
              name: "Church",
              config: { baseUrl: fake.baseUrl },
              credentials: {
                type: "personalAccessToken",
                appId: fake.personalAccessToken.username,
                secret: Redacted.value(fake.personalAccessToken.password)
              }
            }
          })
          assert.strictEqual(created.status, 201, JSON.stringify(created.body))
          assert.strictEqual((yield* call("POST", "/api/v1/connectors/church/discover")).status, 200)
          const definition = yield* call("POST", "/api/v1/definitions", {
            body: {
              id: "people",
              name: "People both ways",
              source: { connectorId: "church", entity: "person" },
              destination: { kind: "postgres", schema: "church", table: "people" },
              direction: "bidirectional",
              bidirectional: { fields: { first_name: {}, last_name: {}, nickname: {} }, conflictPolicy: "manual" }
            }
          })
          assert.strictEqual(definition.status, 201, JSON.stringify(definition.body))
          assert.strictEqual((yield* runDefinition("people")).status, "finished")

          const [someone = ""] = fake.truth.ids("Person")
          const sql = yield* SqlClient.SqlClient
          yield* fake.mutate.update("Person", someone, { nickname: "FromPco" })
          yield* Effect.orDie(
            sql.unsafe(`UPDATE church.people SET nickname = 'FromTable' WHERE _source_id = $1`, [someone])
          )
          assert.strictEqual((yield* runDefinition("people")).cycle?.held, 1)

          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab
          yield* signIn(tab, "/conflicts")
          const listed = page.getByRole("list", { name: "Two-way definitions" }).getByRole("listitem")
          yield* step(() => listed.first().waitFor())
          assert.strictEqual(yield* step(() => listed.count()), 1)
          assert.include((yield* step(() => listed.first().textContent())) ?? "", "1 held")
          yield* step(() => listed.first().getByRole("link", { name: "People both ways" }).click())

          // The held conflict: both versions, the conflicting field marked.
          const card = page.locator("article.conflict")
          yield* step(() => card.first().waitFor())
          assert.strictEqual(yield* step(() => card.count()), 1)
          const nickname = card.locator("tbody tr", { has: page.locator("code", { hasText: /^nickname$/ }) })
          assert.strictEqual(yield* step(() => nickname.locator('[data-side="source"]').textContent()), "FromPco")
          assert.strictEqual(yield* step(() => nickname.locator('[data-side="table"]').textContent()), "FromTable")
          assert.include((yield* step(() => nickname.textContent())) ?? "", "conflict")
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "conflicts")), [])

          // Merged: held no more; the next cycle writes it to both sides.
          yield* step(() => card.getByLabel("nickname").fill("Merged"))
          yield* step(() => card.getByRole("button", { name: "Resolve with these values" }).click())
          yield* step(() => page.getByText("No held conflict.").waitFor())
          const applied = yield* runDefinition("people")
          assert.strictEqual(applied.cycle?.resolutionsApplied, 1)
          const [row] = yield* Effect.orDie(
            sql.unsafe<{ readonly nickname: string }>(`SELECT nickname FROM church.people WHERE _source_id = $1`, [
              someone
            ])
          )
          assert.strictEqual(row?.nickname, "Merged")
          assert.strictEqual(fake.truth.get("Person", someone)?.attributes.nickname, "Merged")

          // The log: closed, resolved to the merged value.
          yield* step(() => page.getByRole("link", { name: "all", exact: true }).click())
          yield* step(() => card.first().waitFor())
          assert.include((yield* step(() => card.textContent())) ?? "", "closed")
          assert.include((yield* step(() => nickname.textContent())) ?? "", "Merged")
          assert.strictEqual(yield* step(() => card.getByRole("button").count()), 0)
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "conflict-resolved")), [])
        }),
      browserTestTimeout
    )
  }
)
