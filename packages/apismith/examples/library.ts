import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, Cursor, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ApiSmithClient, ApiSmithCredentials, RowVersion } from "@syncflow/apismith"
import { Effect, Layer, Stream } from "effect"

// 1. Connect: the instance's URL and the shared secret it verifies service tokens with
//    (INTERNAL_SERVICE_JWT_SECRET). Tokens are minted, cached and re-minted by TokenManager.
const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

export const ApiSmithLive = (baseUrl: string, secret: string) =>
  ApiSmithClient.layer({ baseUrl, credentials: ApiSmithCredentials.serviceJwt({ secret }) }).pipe(
    Layer.provide(HttpStack)
  )

// 2. Discover the APIs, then read one API's rows changed since a row version, page by page.
export const readChanges = (slug: string, since?: string) =>
  Effect.gen(function* () {
    const client = yield* ApiSmithClient
    const { apis, invalid } = yield* client.discover
    for (const problem of invalid) yield* Effect.logWarning(problem.message)
    const api = apis.find((a) => a.slug === slug)
    if (api === undefined) return yield* Effect.fail(`no API ${slug}`)

    let rows = 0
    let newest = since ?? ""
    let resumeAt: string | undefined
    // `rowversion_gt` is strictly greater: ask from the second before to re-read the boundary.
    const rowversionGt = since === undefined ? undefined : RowVersion.previous(since)
    yield* client.streamPages(slug, { rowversionGt }).pipe(
      Stream.runForEach((page) =>
        Effect.sync(() => {
          for (const row of page.items) if (row.row_version > newest) newest = row.row_version
          rows += page.items.length
          // store this with the committed page to resume right after it (none after the last page)
          resumeAt = page.next === undefined ? undefined : Cursor.toJson(page.next)
        })
      )
    )
    return {
      columns: api.columns.map((c) => `${c.name} ${c.data_type.text}`),
      businessKey: api.business_key_columns,
      rows,
      newest,
      resumeAt
    }
  })
