/**
 * Following and cancelling runs through the admin API, as a user does: `GET /runs/{id}/events`
 * streams a run's events as server-sent events, in commit order, ending with its final counts (equal
 * to the run as `GET /runs/{id}` reads it); `POST /runs/{id}/cancel` stops a running sync at its next
 * window boundary (the run ends `cancelled`, what committed stays, nothing is soft-deleted), answers
 * 409 for a finished run and 404 for an unknown one; the next sync ends with the table equal to the
 * fake ERP's truth.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import type { RunEvent } from "@syncflow/sync-engine"
import { Deferred, Effect, Fiber, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, TestServer, testServerLayer } from "./fixtures.ts"
import { followRun } from "./runEventsSse.ts"

/** The running run of an entity, once its sync has started one. */
const runningRun = (entity: string) =>
  eventually(
    Effect.map(call("GET", `/api/v1/runs?connector=erp&entity=${entity}&status=running`), (reply) =>
      Option.fromUndefinedOr((reply.body as ReadonlyArray<typeof RunView.Type>)[0])
    )
  )

/** The part numbers of the live rows of `erp.items`, sorted. */
const storedParts = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ readonly part: string }>`SELECT part_no AS part FROM erp.items WHERE NOT _deleted`
  return rows.map((row) => row.part).sort()
})

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("following and cancelling runs", (it) => {
  it.effect(
    "SSE events arrive in order and end with the run's counts; a cancelled run keeps its windows; the next sync equals the truth",
    () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* TestServer
        // Two windows of 10,000 records (the workflows' window); the fake holds pages where the test must act.
        const fake = yield* FakeErp.make({ seed: 21, rows: { items: 12_000 } })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: fake.baseUrl, pageSize: 1000 },
            credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
          }
        })
        assert.strictEqual(created.status, 201)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/discover")).status, 200)

        // 1. Follow a sync from its start to its end: its first page waits until the follower is connected.
        yield* fake.faults.holdNext(1)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/entities/items/sync")).status, 202)
        const firstPage = yield* fake.faults.nextHeldRequest
        assert.strictEqual(firstPage.request.url.searchParams.get("page"), "1")
        const first = yield* runningRun("items")
        const connected = yield* Deferred.make<void>()
        const following1 = yield* Effect.forkChild(
          followRun(baseUrl, first.id, () => Deferred.doneUnsafe(connected, Effect.void))
        )
        yield* Deferred.await(connected)
        yield* firstPage.release
        const followed = yield* Fiber.join(following1)
        assert.strictEqual(followed.status, 200)
        assert.include(followed.contentType ?? "", "text/event-stream")
        const tags = followed.events.map((event) => event._tag)
        assert.strictEqual(tags[0], "RunStarted")
        assert.strictEqual(tags.at(-1), "RunFinished")
        assert.isAtLeast(tags.filter((tag) => tag === "WindowCommitted").length, 1)
        const fetched = followed.events.flatMap((event) =>
          event._tag === "WindowCommitted" ? [event.counts.fetched] : []
        )
        assert.deepStrictEqual(
          fetched,
          [...fetched].sort((a, b) => a - b)
        )
        assert.strictEqual(fetched.at(-1), 12_000)
        const finished = followed.events.at(-1)
        const run = bodyAs(yield* call("GET", `/api/v1/runs/${first.id}`), RunView)
        assert.strictEqual(run.status, "succeeded")
        assert.strictEqual(finished?._tag, "RunFinished")
        if (finished?._tag === "RunFinished") {
          assert.strictEqual(finished.status, "succeeded")
          assert.deepStrictEqual(finished.counts, run.counts)
        }
        // A follower of a finished run gets its end at once.
        const late = yield* followRun(baseUrl, first.id)
        assert.deepStrictEqual(
          late.events.map((event) => event._tag),
          ["RunFinished"]
        )

        // 2. Cancel a full refresh once its first window has committed.
        yield* fake.mutate("items", { delete: 30, update: 20, insert: 10 })
        // The first window's 10 pages go on once the follower is connected; the second window's first
        // page waits until the first window has committed and the cancel is asked for.
        yield* fake.faults.holdNext(11)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/entities/items/full-refresh")).status, 202)
        const second = yield* runningRun("items")
        const subscribed = yield* Deferred.make<void>()
        const firstWindow = yield* Deferred.make<void>()
        const following = yield* Effect.forkChild(
          followRun(baseUrl, second.id, (event: RunEvent) => {
            Deferred.doneUnsafe(subscribed, Effect.void)
            if (event._tag === "WindowCommitted" && event.counts.fetched > 0)
              Deferred.doneUnsafe(firstWindow, Effect.void)
          })
        )
        yield* Deferred.await(subscribed)
        for (let page = 1; page <= 10; page++) {
          const held = yield* fake.faults.nextHeldRequest
          assert.strictEqual(held.request.url.searchParams.get("page"), String(page))
          yield* held.release
        }
        const secondWindow = yield* fake.faults.nextHeldRequest
        assert.strictEqual(secondWindow.request.url.searchParams.get("page"), "11")
        yield* Deferred.await(firstWindow)
        const cancelled = yield* call("POST", `/api/v1/runs/${second.id}/cancel`)
        assert.strictEqual(cancelled.status, 202)
        assert.strictEqual(bodyAs(cancelled, RunView).status, "running")
        yield* secondWindow.release
        const ending = (yield* Fiber.join(following)).events.at(-1)
        assert.strictEqual(ending?._tag, "RunFinished")
        const stopped = bodyAs(yield* call("GET", `/api/v1/runs/${second.id}`), RunView)
        assert.strictEqual(stopped.status, "cancelled")
        assert.strictEqual(stopped.counts.fetched, 10_000)
        assert.strictEqual(stopped.counts.deleted, 0)
        const sql = yield* SqlClient.SqlClient
        const [softDeleted] = yield* sql<{
          readonly n: number
        }>`SELECT count(*)::int AS n FROM erp.items WHERE _deleted`
        assert.strictEqual(softDeleted?.n, 0)

        // A finished run cannot be cancelled; an unknown one does not exist.
        const again = yield* call("POST", `/api/v1/runs/${second.id}/cancel`)
        assert.strictEqual(again.status, 409)
        assert.include(JSON.stringify(again.body), "not running")
        // As the README's session shows it: a problem naming the field.
        assert.deepStrictEqual(Object.keys(again.body ?? {}), ["detail", "field", "type", "status", "title"])
        assert.deepInclude(again.body, { field: "runId", type: "urn:syncflow:problem:conflict", status: 409 })
        const unknown = yield* call("POST", "/api/v1/runs/00000000-0000-4000-8000-000000000000/cancel")
        assert.strictEqual(unknown.status, 404)
        assert.strictEqual((yield* call("GET", "/api/v1/runs/nope/events")).status, 404)

        // 3. The next full refresh starts anew and ends equal to the truth. (A trigger while the
        // cancelled execution is still closing joins it: trigger again until a new run has succeeded.)
        const third = yield* eventually(
          Effect.gen(function* () {
            yield* call("POST", "/api/v1/connectors/erp/entities/items/full-refresh")
            const runs = yield* call("GET", "/api/v1/runs?connector=erp&entity=items&status=succeeded")
            return Option.fromUndefinedOr(
              (runs.body as ReadonlyArray<typeof RunView.Type>).find((candidate) => candidate.mode === "full-refresh")
            )
          })
        )
        assert.notStrictEqual(third.id, second.id)
        assert.strictEqual(third.counts.deleted, 30)
        const truth = Array.from(fake.groundTruth.rows("items"), (row) => String(row.values.part_no)).sort()
        assert.deepStrictEqual(yield* storedParts, truth)

        // The OpenAPI document lists both routes.
        const openapi = JSON.stringify((yield* call("GET", "/openapi.json")).body)
        assert.include(openapi, "/api/v1/runs/{runId}/cancel")
        assert.include(openapi, "/api/v1/runs/{runId}/events")
        assert.include(openapi, "text/event-stream")
      }),
    120_000
  )
})
