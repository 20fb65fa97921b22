/** Shared setup of the apismith tests: the client stack over real HTTP, and a client of a fake ERP. */
import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, RetryPolicy, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { Layer } from "effect"
import { ApiSmithClient, type ApiSmithClientOptions } from "../../src/ApiSmithClient.ts"
import type { FakeErp } from "../../src/testing/index.ts"

/** TokenManager, in-memory rate limits and circuit breakers, the undici HttpClient. */
export const ClientStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

/** Retries without jitter, so a test knows each wait: 100 ms, 200 ms, 400 ms. */
export const exactRetries = RetryPolicy.make({ baseDelay: "100 millis", jitter: "none" })

/** A client of a fake ERP with the fake's service-JWT credentials. */
export const clientOf = (fake: FakeErp.FakeErp, options: Partial<ApiSmithClientOptions> = {}) =>
  ApiSmithClient.make({ baseUrl: fake.baseUrl, credentials: fake.credentials(), retry: exactRetries, ...options })
