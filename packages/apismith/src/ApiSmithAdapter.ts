/**
 * APISmith as a SyncFlow source: adapter-core's `Adapter` contract over `ApiSmithClient`. Entity
 * manifests come from discovery; records are the rows' data with their row version and Oracle
 * keys; "test connection" checks health and credentials.
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
import { Context, Effect, Layer, Stream } from "effect"
import { ApiSmithClient, type ApiSmithClientService } from "./ApiSmithClient.ts"
import type { Discovery } from "./discovery/Discovery.ts"
import { toInvalidResponse } from "./discovery/InvalidApiMetadata.ts"
import { toEntityManifest } from "./discovery/toEntityManifest.ts"
import { ListApis } from "./endpoints/ListApis.ts"
import { toSourceRecord } from "./rows/ApiSmithRecord.ts"
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

  const manifests = Effect.gen(function* () {
    const discovery = yield* client.discover
    const [first] = discovery.invalid
    if (first !== undefined && onInvalidApi === "fail") {
      return yield* toInvalidResponse(first, ListApis.qualifiedName)
    }
    for (const invalid of discovery.invalid) {
      yield* Effect.logWarning(`APISmith discovery: skipping an API with malformed metadata: ${invalid.message}`).pipe(
        Effect.annotateLogs({ slug: invalid.slug, path: invalid.path })
      )
    }
    const manifests: ReadonlyArray<EntityManifest> = discovery.apis.map(toEntityManifest)
    return manifests
  }).pipe(Effect.withSpan("ApiSmithAdapter.manifests"))

  const streamPages = (
    entity: string,
    list: ListRecordsOptions = {}
  ): Stream.Stream<Page<SourceRecord>, AdapterError> =>
    Stream.unwrap(
      Effect.map(list.since === undefined ? Effect.succeed(undefined) : rowversionGtFor(list.since), (rowversionGt) =>
        client
          .streamPages(entity, {
            from: list.from,
            rowversionGt,
            pageSize: list.pageSize
          })
          .pipe(Stream.map((page): Page<SourceRecord> => ({ ...page, items: page.items.map(toSourceRecord) })))
      )
    )

  const testConnection = Effect.gen(function* () {
    yield* client.health
    yield* client.discover
  }).pipe(Effect.withSpan("ApiSmithAdapter.testConnection"))

  return { name: "apismith", manifests, streamPages, testConnection, discovery: client.discover }
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
