/** Shared setup of the schedulehub tests: the client stack over real HTTP, and records to write. */
import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { Layer } from "effect"
import { ScheduleHubClient, type ScheduleHubClientOptions } from "../../src/ScheduleHubClient.ts"
import type { FakeScheduleHub } from "../../src/testing/index.ts"

/** TokenManager, in-memory rate limits and circuit breakers, the undici HttpClient. */
export const ClientStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

/** A client of a fake with the fake's credentials and short retries (no jitter, 50 ms doubling). */
export const clientOf = (fake: FakeScheduleHub.FakeScheduleHub, options: Partial<ScheduleHubClientOptions> = {}) =>
  ScheduleHubClient.make({
    baseUrl: fake.baseUrl,
    credentials: fake.credentials(),
    retry: { baseDelay: "50 millis", jitter: "none" },
    requestsPerSecond: 1000,
    ...options
  })

/** The `erp_key_hash` of business key number `n` (32 hex digits). */
export const keyHash = (n: number, salt = 0): string =>
  `${salt.toString(16).padStart(8, "0")}${n.toString(16).padStart(24, "0")}`

/** A data hash (64 hex digits) for version `v` of a record. */
export const dataHash = (n: number, v = 1): string =>
  `${v.toString(16).padStart(32, "0")}${n.toString(16).padStart(32, "0")}`

/** An item record of the default entities. */
export const item = (n: number, fields: Record<string, unknown> = {}) => ({
  erp_key_hash: keyHash(n, 1),
  erp_data_hash: dataHash(n),
  erp_rowversion: "20251208120000",
  part_no: `PART-${String(n).padStart(7, "0")}`,
  list_price: "12.50",
  is_active: true,
  ...fields
})

/** An order record (a child of customers, which it need not name). */
export const order = (n: number, fields: Record<string, unknown> = {}) => ({
  erp_key_hash: keyHash(n, 2),
  erp_data_hash: dataHash(n),
  order_no: `SO${String(n).padStart(8, "0")}`,
  order_date: "2025-12-08",
  ...fields
})

/** An order line of order `orderN`. */
export const orderLine = (orderN: number, line: number, fields: Record<string, unknown> = {}) => ({
  erp_key_hash: keyHash(orderN * 100 + line, 3),
  erp_data_hash: dataHash(orderN * 100 + line),
  order_key_hash: keyHash(orderN, 2),
  order_no: `SO${String(orderN).padStart(8, "0")}`,
  line_no: line,
  quantity: 2.5,
  ...fields
})
