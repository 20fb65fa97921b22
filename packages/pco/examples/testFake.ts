import { assert, describe, it } from "@effect/vitest"
import { ListPeople, PcoClient } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import { Effect, Stream } from "effect"

describe("my sync, against a fake Planning Center", () => {
  it.effect("lists exactly the people changed since its last run, changes between calls included", () =>
    Effect.gen(function* () {
      // 250 generated people, the same on every run; a real HTTP server on 127.0.0.1.
      const fake = yield* FakePco.make({ people: 250, seed: 42 })
      const since = fake.truth.latestUpdate("Person") ?? ""

      // The code under test: here, an incremental listing by updated_at.
      const changedIds = Effect.gen(function* () {
        const pco = yield* PcoClient
        const pages = pco.streamPages(ListPeople, { filter: { updated_at: { gte: since } }, order: "updated_at" })
        return yield* Stream.runCollect(
          Stream.flatMap(pages, (page) => Stream.fromIterable(page.items.map((p) => p.id)))
        )
      }).pipe(
        Effect.provide(
          PcoClient.layerStandalone({
            connectionId: "test",
            credentials: fake.personalAccessToken,
            baseUrl: fake.baseUrl
          })
        )
      )

      // Someone edits a person between two syncs; the fake stamps it with its (test) clock.
      const [someone = ""] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", someone, { membership: "Member" })

      const ids = yield* changedIds
      assert.include(ids, someone)
      assert.deepStrictEqual([...ids].sort(), [...fake.truth.changedSince("Person", since)].sort())
    })
  )
})
