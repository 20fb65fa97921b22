/**
 * The failed records pages in a real browser against a real server and the fake ERP: the records a
 * sync could not store are listed and filtered; one is selected and retried from the list while the
 * table still cannot hold it (it stays open); one is opened (stage, reason, raw data) and retried in
 * vain, then, once the column holds text, retried from its page and the rest from the list: the
 * table then holds the fake's values. Every page is screenshotted and has no console problem.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { call, dashboardServerLayer } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"
import { erpWithFailedRecords } from "./support/syncs.ts"

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "the failed records pages",
  (it) => {
    it.effect(
      "a failed record is opened and retried, the rest retried from the list; the table then holds the fake's rows",
      () =>
        Effect.gen(function* () {
          const { fake, unstorable } = yield* erpWithFailedRecords
          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab
          yield* signIn(tab, "/failed")
          const table = page.getByRole("table", { name: "Failed records" })
          const rows = table.locator("tbody tr")
          yield* step(() => rows.first().waitFor())
          assert.strictEqual(yield* step(() => rows.count()), unstorable.length)

          // Filters, kept in the address: a stage with none, then the stage and reason of these.
          yield* step(() => page.getByLabel("Stage").selectOption("normalize"))
          yield* step(() => page.getByRole("button", { name: "Apply filters" }).click())
          yield* step(() => page.getByText("No open failed record matches these filters.").waitFor())
          yield* step(() => page.getByLabel("Stage").selectOption("ingest"))
          yield* step(() => page.getByLabel("Reason").fill("UnstorableValue"))
          yield* step(() => page.getByRole("button", { name: "Apply filters" }).click())
          yield* step(() => page.waitForURL(/stage=ingest/))
          assert.include(page.url(), "UnstorableValue")
          yield* step(() => rows.first().waitFor())
          assert.strictEqual(yield* step(() => rows.count()), unstorable.length)
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "failed-records")), [])

          // One selected and retried from the list while the column is still numeric: still failing.
          yield* step(() => rows.first().getByRole("checkbox").check())
          yield* step(() => page.getByRole("button", { name: "Retry selected (1)" }).click())
          yield* step(() => page.getByRole("status").getByText("Retried 1: 0 written, 1 still failing.").waitFor())
          yield* step(() => rows.nth(unstorable.length - 1).waitFor())
          assert.strictEqual(yield* step(() => rows.count()), unstorable.length)

          // One record: where and why it failed, and what the source sent.
          const link = rows.first().getByRole("link")
          const label = (yield* step(() => link.textContent())) ?? ""
          const recordId = label.replace("#", "")
          yield* step(() => link.click())
          yield* step(() => page.getByRole("heading", { name: `Failed record #${recordId}` }).waitFor())
          const facts = page.locator("dl.facts")
          yield* step(() => facts.getByText("ingest", { exact: true }).waitFor())
          yield* step(() => facts.getByText("UnstorableValue", { exact: true }).waitFor())
          const record = (yield* call("GET", `/api/v1/failed-records/${recordId}`)).body as {
            readonly rawData: unknown
          }
          const raw = JSON.stringify(record.rawData)
          const row = unstorable.find((candidate) => raw.includes(String(candidate.values.weight_kg)))
          assert.isDefined(row, "the raw data holds one of the unstorable values")
          const rawShown = (yield* step(() => page.getByRole("region", { name: /^Raw/ }).textContent())) ?? ""
          assert.include(rawShown, String(row?.values.weight_kg))
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "failed-record")), [])

          // Retried while the column is still numeric: it fails again and stays open.
          yield* step(() => page.getByRole("button", { name: "Retry now" }).click())
          yield* step(() => page.getByRole("status").getByText("Still failing: see the message below.").waitFor())
          yield* step(() => facts.getByText("open", { exact: true }).waitFor())

          // The fix: the column holds text. Retried from its page, it is written and closed.
          const sql = yield* SqlClient.SqlClient
          yield* Effect.orDie(
            sql.unsafe(`ALTER TABLE erp.items ALTER COLUMN weight_kg TYPE text USING weight_kg::text`)
          )
          yield* step(() => page.getByRole("button", { name: "Retry now" }).click())
          yield* step(() => page.getByRole("status").getByText("Retried: the record was written.").waitFor())
          yield* step(() => facts.getByText(/^closed/).waitFor())
          assert.strictEqual(yield* step(() => page.getByRole("button", { name: "Retry now" }).count()), 0)

          // The rest, from the list: retry all matching.
          yield* step(() => page.getByRole("link", { name: "Failed records" }).last().click())
          yield* step(() => rows.first().waitFor())
          assert.strictEqual(yield* step(() => rows.count()), unstorable.length - 1)
          yield* step(() => page.getByRole("button", { name: "Retry all matching" }).click())
          yield* step(() =>
            page
              .getByRole("status")
              .getByText(new RegExp(`^Retried ${unstorable.length - 1}\\b`))
              .waitFor()
          )
          yield* step(() => page.getByText(/^No open failed record/).waitFor())
          assert.deepStrictEqual((yield* call("GET", "/api/v1/failed-records?connectorId=erp")).body, [])

          // The table holds every row of the fake, the once-unstorable values as the fake has them.
          const stored = yield* Effect.orDie(
            sql.unsafe<{ readonly part_no: string; readonly weight_kg: string | null }>(
              "SELECT part_no::text AS part_no, weight_kg FROM erp.items"
            )
          )
          assert.strictEqual(stored.length, fake.groundTruth.count("items"))
          const byKey = new Map(stored.map((stored) => [stored.part_no, stored.weight_kg]))
          for (const failed of unstorable)
            assert.strictEqual(byKey.get(String(failed.values.part_no)), failed.values.weight_kg)
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "failed-records-retried")), [])
        }),
      browserTestTimeout
    )
  }
)
