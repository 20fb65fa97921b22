import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ScheduleHubAdapter, ScheduleHubClient, ScheduleHubCredentials } from "@syncflow/schedulehub"
import { Effect, Layer } from "effect"

// 1. Connect: the instance's URL and the shared secret it verifies service tokens with.
//    Tokens (HS256, 5 minutes) are minted, cached and re-minted by TokenManager.
const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

export const ScheduleHubLive = (baseUrl: string, secret: string) =>
  ScheduleHubAdapter.layer.pipe(
    Layer.provide(ScheduleHubClient.layer({ baseUrl, credentials: ScheduleHubCredentials.serviceJwt({ secret }) })),
    Layer.provide(HttpStack)
  )

// 2. Push an order and its lines in one batch each; look uids up by business-key hash.
export const pushOrder = (order: Record<string, unknown>, lines: ReadonlyArray<Record<string, unknown>>) =>
  Effect.gen(function* () {
    const { write } = yield* ScheduleHubAdapter
    const batch = write.batch
    if (batch === undefined) return yield* Effect.die("ScheduleHub has a batch endpoint")
    // The idempotency key makes a resend after a crash or a lost answer harmless.
    const [parent] = yield* batch.run("orders", [{ op: "create", record: order }], { idempotencyKey: "order-1" })
    const children = yield* batch.run(
      "order_lines",
      lines.map((record) => ({ op: "create" as const, record })),
      { idempotencyKey: "order-1/lines" }
    )
    // Each result is data: created | updated | deleted | conflict | notFound | parentMissing | invalid | refused
    const uids = yield* write.lookup?.(
      "order_lines",
      lines.map((line) => String(line.erp_key_hash))
    ) ?? Effect.succeed(new Map())
    return { parent: parent?._tag, children: children.map((r) => r._tag), found: uids.size }
  })
