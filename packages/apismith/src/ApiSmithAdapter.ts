/**
 * APISmith as a SyncFlow source: adapter-core's `Adapter` contract over `ApiSmithClient`. Entity
 * manifests come from discovery, named by identifiers (`Order-Lines` -> `order_lines`); records are
 * the rows' data under those identifiers, with their row version and Oracle keys; "test connection"
 * checks health and credentials.
 */
import {
  type Adapter,
  type AdapterError,
  type EntityManifest,
  InvalidRequest,
  type ListRecordsOptions,
  type Page,
  type SourceRecord
} from "@syncflow/adapter-core"
import { Context, Effect, Layer, Ref, Stream } from "effect"
import { ApiSmithClient, type ApiSmithClientService } from "./ApiSmithClient.ts"
import type { Discovery } from "./discovery/Discovery.ts"
import { toInvalidResponse } from "./discovery/InvalidApiMetadata.ts"
import { toEntityManifest } from "./discovery/toEntityManifest.ts"
import { ListApis } from "./endpoints/ListApis.ts"
import type { ApiNames } from "./naming/ApiNames.ts"
import { toSourceRecord } from "./rows/ApiSmithRecord.ts"
import { namedSourceRecord } from "./rows/namedSourceRecord.ts"
import * as RowVersion from "./rows/RowVersion.ts"

/** What to do with an API whose metadata is malformed. */
export type OnInvalidApi =
  /** Leave it out of the manifests and log a warning naming the API and the field (the default). */
  | "skip"
  /** Fail `manifests` with an `InvalidResponse` naming the API and the field path. */
  | "fail"

/** Options of the APISmith adapter. */
export interface ApiSmithAdapterOptions {
  /** `"skip"` (default) or `"fail"`; `discovery` reports every malformed API either way. */
  readonly onInvalidApi?: OnInvalidApi | undefined
}

/** The adapter: adapter-core's contract plus the full discovery report. */
export interface ApiSmithAdapterService extends Adapter {
  /** Every API of the instance: the usable ones and one `InvalidApiMetadata` per malformed one. */
  readonly discovery: Effect.Effect<Discovery, AdapterError>
}

/**
 * The `rowversion_gt` that lists the rows at `since` and after: the second before it. APISmith's
 * filter is strictly-greater and row versions have one-second resolution, so asking for exactly
 * `since` could skip rows committed in that second after the previous listing read it; the
 * boundary second is read again (the engine dedupes by business key).
 */
const rowversionGtFor = (since: string): Effect.Effect<string, InvalidRequest> => {
  const gt = RowVersion.previous(since)
  return gt === undefined
    ? Effect.fail(
        new InvalidRequest({
          endpoint: "data.list",
          message: `since must be a row version YYYYMMDDHH24MISS, got ${JSON.stringify(since)}`
        })
      )
    : Effect.succeed(gt)
}

/** Builds the adapter over a client. */
export const fromClient = (
  client: ApiSmithClientService,
  options: ApiSmithAdapterOptions = {}
): ApiSmithAdapterService => {
  const onInvalidApi = options.onInvalidApi ?? "skip"
  /** The names of the APIs by entity, from the latest discovery (`undefined` before the first). */
  const namesByEntity = Ref.makeUnsafe<ReadonlyMap<string, ApiNames> | undefined>(undefined)

  const discover = client.discover.pipe(
    Effect.tap((discovery) =>
      Ref.set(namesByEntity, new Map(Array.from(discovery.names.values(), (names) => [names.entity, names])))
    )
  )

  /**
   * The names of an entity: from the latest discovery, or from a new one when the entity is not in
   * it (the first listing of this adapter, or an API added since). `undefined` when the instance has
   * no such API: the entity is then requested as a slug, and APISmith answers 404.
   */
  const namesOf = Effect.fnUntraced(function* (entity: string) {
    const known = (yield* Ref.get(namesByEntity))?.get(entity)
    if (known !== undefined) return known
    yield* discover
    return (yield* Ref.get(namesByEntity))?.get(entity)
  })

  const manifests = Effect.gen(function* () {
    const discovery = yield* discover
    const [first] = discovery.invalid
    if (first !== undefined && onInvalidApi === "fail") {
      return yield* toInvalidResponse(first, ListApis.qualifiedName)
    }
    for (const invalid of discovery.invalid) {
      yield* Effect.logWarning(`APISmith discovery: skipping an API with malformed metadata: ${invalid.message}`).pipe(
        Effect.annotateLogs({ slug: invalid.slug, path: invalid.path })
      )
    }
    const manifests: ReadonlyArray<EntityManifest> = discovery.apis.map((api) =>
      toEntityManifest(api, discovery.names.get(api.slug))
    )
    return manifests
  }).pipe(Effect.withSpan("ApiSmithAdapter.manifests"))

  const streamPages = (
    entity: string,
    list: ListRecordsOptions = {}
  ): Stream.Stream<Page<SourceRecord>, AdapterError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const rowversionGt = list.since === undefined ? undefined : yield* rowversionGtFor(list.since)
        const names = yield* namesOf(entity)
        const toRecord = names === undefined ? toSourceRecord : namedSourceRecord(names)
        return client
          .streamPages(names?.slug ?? entity, {
            from: list.from,
            rowversionGt,
            pageSize: list.pageSize,
            concurrency: list.concurrency
          })
          .pipe(Stream.map((page): Page<SourceRecord> => ({ ...page, items: page.items.map(toRecord) })))
      })
    )

  const testConnection = Effect.gen(function* () {
    yield* client.health
    yield* discover
  }).pipe(Effect.withSpan("ApiSmithAdapter.testConnection"))

  return { name: "apismith", manifests, streamPages, testConnection, discovery: discover }
}

/**
 * The APISmith adapter as a service, built from the `ApiSmithClient` in context. The engine uses
 * it through the `Adapter` contract; `discovery` gives the full report for an admin UI.
 */
export class ApiSmithAdapter extends Context.Service<ApiSmithAdapter, ApiSmithAdapterService>()(
  "@syncflow/apismith/ApiSmithAdapter"
) {
  /** The adapter over a client built elsewhere. */
  static readonly fromClient: (
    client: ApiSmithClientService,
    options?: ApiSmithAdapterOptions
  ) => ApiSmithAdapterService = fromClient

  /** The adapter of the client in context. */
  static readonly make = (
    options: ApiSmithAdapterOptions = {}
  ): Effect.Effect<ApiSmithAdapterService, never, ApiSmithClient> =>
    Effect.gen(function* () {
      return fromClient(yield* ApiSmithClient, options)
    })

  /** The adapter as a layer over `ApiSmithClient`. */
  static readonly layer = (options: ApiSmithAdapterOptions = {}): Layer.Layer<ApiSmithAdapter, never, ApiSmithClient> =>
    Layer.effect(ApiSmithAdapter, ApiSmithAdapter.make(options))
}
