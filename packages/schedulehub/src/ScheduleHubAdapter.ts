/**
 * ScheduleHub as a SyncFlow adapter: manifests from `GET /api/v1/schema`, record pages from the
 * full export (for reconciliation), "test connection" as health plus an authenticated schema read,
 * and the write side (`RecordWriter`): create, update, delete, the batch endpoint (1,000
 * operations) and the lookup of uids by `erp_key_hash`.
 */
import type {
  Adapter,
  AdapterError,
  EntityManifest,
  ListRecordsOptions,
  Page,
  RecordWriter,
  SourceRecord
} from "@syncflow/adapter-core"
import { Context, Effect, Layer, type Stream } from "effect"
import type { ScheduleHubSchema } from "./endpoints/GetSchema.ts"
import { MAX_BATCH_OPERATIONS } from "./endpoints/WriteRecords.ts"
import { ScheduleHubClient, type ScheduleHubClientService } from "./ScheduleHubClient.ts"
import { KEY_HASH_FIELD, toHubEntityManifest } from "./schema/toHubEntityManifest.ts"

/** The adapter: adapter-core's contract, with the write side always present. */
export interface ScheduleHubAdapterService extends Adapter {
  readonly write: RecordWriter
}

/** The manifests of a schema. */
export const manifestsOf = (schema: ScheduleHubSchema): ReadonlyArray<EntityManifest> =>
  schema.entities.map(toHubEntityManifest)

/**
 * Builds the adapter over a client. `entities` are the entities the write side names as writable;
 * without them, the schema's entities as last read by `manifests` (or `testConnection`), none before.
 * Every write is sent to ScheduleHub whatever the list says, and ScheduleHub refuses an unknown entity.
 */
export const fromClient = (
  client: ScheduleHubClientService,
  entities?: ReadonlyArray<string>
): ScheduleHubAdapterService => {
  let known: ReadonlyArray<string> = entities ?? []
  const schema = client.schema.pipe(
    Effect.tap((read) =>
      Effect.sync(() => {
        if (entities === undefined) known = read.entities.map((entity) => entity.name)
      })
    )
  )
  const manifests = schema.pipe(Effect.map(manifestsOf), Effect.withSpan("ScheduleHubAdapter.manifests"))

  const streamPages = (
    entity: string,
    list: ListRecordsOptions = {}
  ): Stream.Stream<Page<SourceRecord>, AdapterError> =>
    // Every listing is the full export (`deltaStrategy: "full"`): `since` does not apply.
    client.streamPages(entity, { from: list.from, pageSize: list.pageSize })

  const testConnection = Effect.gen(function* () {
    yield* client.health
    yield* schema
  }).pipe(Effect.withSpan("ScheduleHubAdapter.testConnection"))

  const write: RecordWriter = {
    get entities() {
      return known
    },
    create: client.create,
    update: (entity, id, record) => client.update(entity, id, record),
    delete: (entity, id) => client.delete(entity, id),
    batch: { maxOperations: MAX_BATCH_OPERATIONS, run: client.batch },
    lookup: (entity, keys) =>
      client
        .lookup(entity, keys)
        .pipe(Effect.map((records) => new Map(records.map((record) => [record[KEY_HASH_FIELD], record.uid]))))
  }

  return { name: "schedulehub", manifests, streamPages, testConnection, write }
}

/**
 * The ScheduleHub adapter as a service, built from the `ScheduleHubClient` in context. The engine
 * uses it through the `Adapter` contract: as a destination through `write`, as a source (for
 * reconciliation) through `streamPages`.
 */
export class ScheduleHubAdapter extends Context.Service<ScheduleHubAdapter, ScheduleHubAdapterService>()(
  "@syncflow/schedulehub/ScheduleHubAdapter"
) {
  /** The adapter over a client built elsewhere, writing the `entities` given. */
  static readonly fromClient: (
    client: ScheduleHubClientService,
    entities?: ReadonlyArray<string>
  ) => ScheduleHubAdapterService = fromClient

  /** The adapter of the client in context; reads the schema once to name the writable entities. */
  static readonly make: Effect.Effect<ScheduleHubAdapterService, AdapterError, ScheduleHubClient> = Effect.gen(
    function* () {
      const client = yield* ScheduleHubClient
      const schema = yield* client.schema
      return fromClient(
        client,
        schema.entities.map((entity) => entity.name)
      )
    }
  )

  /** The adapter as a layer over `ScheduleHubClient` (it fails when the schema cannot be read). */
  static readonly layer: Layer.Layer<ScheduleHubAdapter, AdapterError, ScheduleHubClient> = Layer.effect(
    ScheduleHubAdapter,
    ScheduleHubAdapter.make
  )
}
