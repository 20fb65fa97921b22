import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, type SourceRecord, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ApiSmithAdapter, ApiSmithClient } from "@syncflow/apismith"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Layer, Stream } from "effect"

const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

const count = (pages: Stream.Stream<{ readonly items: ReadonlyArray<SourceRecord> }, unknown>) =>
  Stream.runFold(
    pages,
    () => 0,
    (n, page) => n + page.items.length
  )

// Two syncs of `items` with changes in between, checked against the fake's ground truth.
const twoSyncsOf = (fake: FakeErp.FakeErp) =>
  Effect.gen(function* () {
    const adapter = yield* ApiSmithAdapter

    // first run: every row
    const firstRun = yield* count(adapter.streamPages("items"))
    const newest = fake.dataset.newestRowVersion("items")

    // between runs the ERP changes (and a 503 burst hits the next requests)
    const change = yield* fake.mutate("items", { insert: 10, update: 25, delete: 5 })
    yield* fake.faults.failNext(2, { retryAfterSeconds: 0 })

    // second run: from the newest row version seen; deletes show only in a full listing
    const secondRun = yield* count(adapter.streamPages("items", { since: newest }))

    // the ground truth: what the synced table must now hold, in clean form
    const expected = fake.groundTruth.count("items")
    const [firstRow] = fake.groundTruth.rows("items")
    return { firstRun, secondRun, changed: change.inserted.length + change.updated.length, expected, firstRow }
  })

// A fake ERP on 127.0.0.1 for the life of the scope, and the adapter pointed at it.
export const twoSyncs = Effect.gen(function* () {
  const fake = yield* FakeErp.make({ seed: 1, rows: { items: 5000 } })
  const AdapterLive = ApiSmithAdapter.layer().pipe(
    Layer.provide(ApiSmithClient.layer({ baseUrl: fake.baseUrl, credentials: fake.credentials() })),
    Layer.provide(HttpStack)
  )
  return yield* twoSyncsOf(fake).pipe(Effect.provide(AdapterLive))
}).pipe(Effect.scoped)
