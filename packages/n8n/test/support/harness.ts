/** Shared setup of the n8n tests: the client stack over real HTTP, and a client of a fake. */
import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp } from "@syncflow/adapter-core"
import { Layer } from "effect"
import { N8nClient, type N8nClientOptions } from "../../src/N8nClient.ts"
import type { FakeN8n } from "../../src/testing/index.ts"

/** In-memory rate limits and circuit breakers, the undici HttpClient. */
export const ClientStack = AdapterHttp.layerMemory().pipe(Layer.provideMerge(NodeHttpClient.layerUndici))

/** A client of a fake with the fake's API key and short retries (no jitter, 50 ms doubling). */
export const clientOf = (fake: FakeN8n.FakeN8n, options: Partial<N8nClientOptions> = {}) =>
  N8nClient.make({
    baseUrl: fake.baseUrl,
    apiKey: fake.apiKey,
    retry: { baseDelay: "50 millis", jitter: "none" },
    requestsPerSecond: 1000,
    ...options
  })
