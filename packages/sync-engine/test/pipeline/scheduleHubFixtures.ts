/**
 * Shared fixtures of the push tests: a fake ScheduleHub on 127.0.0.1, the ScheduleHub adapter's write
 * side on it, and the sinks of an ERP -> ScheduleHub sync (an `ApiDestination` and the SQL ledger)
 * per entity, with the identity fields and the parents' `via` fields taken from the fake's schema.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, type EntityManifest, type RecordWriter, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ScheduleHubAdapter, ScheduleHubClient } from "@syncflow/schedulehub"
import { FakeScheduleHub } from "@syncflow/schedulehub/testing"
import { Context, Effect, Layer } from "effect"
import * as ApiDestination from "../../src/destination/ApiDestination.ts"
import * as TableTarget from "../../src/destination/TableTarget.ts"
import * as SqlRowLedger from "../../src/ledger/SqlRowLedger.ts"
import type { SyncSink } from "../../src/pipeline/SyncSink.ts"
import { parentReferences } from "../../src/stages/resolve/parentReferences.ts"
import { apiSmithStages } from "./fixtures.ts"

const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

/** ScheduleHub's identity fields. */
export const scheduleHubIdentity: ApiDestination.IdentityFields = {
  keyHash: "erp_key_hash",
  dataHash: "erp_data_hash",
  rowVersion: "erp_rowversion"
}

/** The write side of the ScheduleHub adapter on `baseUrl` (short retries), built in the caller's scope. */
export const scheduleHubWriter = (
  baseUrl: string,
  credentials: Parameters<typeof ScheduleHubClient.layer>[0]["credentials"],
  requestsPerSecond = 1000
) => Effect.map(scheduleHubAdapter(baseUrl, credentials, requestsPerSecond), (adapter) => adapter.write)

/** The ScheduleHub adapter on `baseUrl` (short retries), built in the caller's scope. */
export const scheduleHubAdapter = (
  baseUrl: string,
  credentials: Parameters<typeof ScheduleHubClient.layer>[0]["credentials"],
  requestsPerSecond = 1000
) =>
  Effect.gen(function* () {
    const services = yield* Layer.build(
      ScheduleHubAdapter.layer.pipe(
        Layer.provide(
          ScheduleHubClient.layer({
            baseUrl,
            credentials,
            retry: { baseDelay: "20 millis", jitter: "none", maxAttempts: 8 },
            requestsPerSecond
          })
        ),
        Layer.provide(HttpStack)
      )
    )
    return Context.get(services, ScheduleHubAdapter)
  })

/** A fake ScheduleHub and its write side. */
export const fakeScheduleHub = (options: FakeScheduleHub.FakeScheduleHubOptions = {}) =>
  Effect.gen(function* () {
    const hub = yield* FakeScheduleHub.make({ requestsPerSecond: 1000, ...options })
    const writer = yield* scheduleHubWriter(hub.baseUrl, hub.credentials())
    return { hub, writer }
  })

/** The sink of `manifest`'s entity from connector `source` to ScheduleHub: sync id `<source>->schedulehub/<entity>`. */
export const scheduleHubSink = Effect.fnUntraced(function* (
  source: string,
  writer: RecordWriter,
  entities: ReadonlyArray<FakeScheduleHub.FakeScheduleHub["entities"][number]>,
  manifest: EntityManifest,
  manifests: ReadonlyArray<EntityManifest>
) {
  const described = entities.find((e) => e.name === manifest.entity)
  if (described === undefined) return yield* Effect.die(`ScheduleHub has no ${manifest.entity}`)
  const vias = new Set(described.parents.map((p) => p.via))
  const references = yield* parentReferences(manifest, manifests, described.parents, () => apiSmithStages)
  const destination = ApiDestination.make({
    writer,
    identityFields: scheduleHubIdentity,
    fields: { [manifest.entity]: described.fields.filter((f) => !vias.has(f.name)) },
    references: { [manifest.entity]: references }
  })
  const sink: SyncSink = {
    syncId: `${source}->schedulehub/${manifest.entity}`,
    destination,
    ledger: yield* SqlRowLedger.make,
    target: TableTarget.make("schedulehub", manifest.entity)
  }
  return sink
})

/** `erp_key_hash` -> `erp_data_hash` of the live records of an entity in the fake, and how many records it holds. */
export const hubIdentities = Effect.fnUntraced(function* (hub: FakeScheduleHub.FakeScheduleHub, entity: string) {
  const records = yield* hub.records(entity)
  return {
    identities: new Map(records.map((r) => [String(r.erp_key_hash), String(r.erp_data_hash)])),
    count: records.length
  }
})
