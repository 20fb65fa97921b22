import { NodeHttpClient } from "@effect/platform-node"
import {
  AdapterClient,
  AdapterHttp,
  Bearer,
  defineEndpoint,
  makeApi,
  QueryStyle,
  RateLimitPolicy,
  TokenManager,
  TokenStore
} from "@syncflow/adapter-core"
import { Effect, Layer, Redacted, Schema, Stream } from "effect"

// 1. Declare two endpoints of a JSON:API-style directory service.
const Person = Schema.Struct({ id: Schema.String, name: Schema.String, updated_at: Schema.String })

export const ListPeople = defineEndpoint({
  entity: "person",
  module: "people",
  name: "list",
  method: "GET",
  path: "/people",
  query: { filterable: ["updated_at"], orderable: ["updated_at"], pageSize: { max: 100 } },
  queryStyle: QueryStyle.jsonApi,
  response: Schema.Struct({
    data: Schema.Array(Person),
    links: Schema.Struct({ next: Schema.optional(Schema.String) })
  }),
  pagination: (p) => p.nextLink({ items: (body) => body.data, next: (body) => body.links.next })
})

export const GetPerson = defineEndpoint({
  entity: "person",
  module: "people",
  name: "get",
  method: "GET",
  path: "/people/:id",
  params: { id: Schema.String },
  response: Schema.Struct({ data: Person })
})

export const DirectoryApi = makeApi("directory", [ListPeople, GetPerson])

// 2. Build the client: credentials, a rate limit, retries, timeouts and a circuit breaker.
export const syncPeople = (baseUrl: string, token: string) =>
  Effect.gen(function* () {
    const tokens = yield* TokenManager
    const authenticator = yield* tokens.authenticator("acme", new Bearer({ token: Redacted.make(token) }))
    const rateLimit = RateLimitPolicy.make({
      adapter: "directory",
      connection: "acme",
      limit: 100,
      window: "20 seconds"
    })
    const httpClient = yield* AdapterHttp.make({ authenticator, rateLimit })
    const client = yield* AdapterClient.make(DirectoryApi, { baseUrl, httpClient })

    // 3. Stream every record changed since January, page by page, in constant memory.
    const people = yield* client
      .streamAll(ListPeople, { filter: { updated_at: { gte: "2026-01-01" } }, order: "updated_at" })
      .pipe(Stream.runCollect)
    const first = yield* client.call(GetPerson, { params: { id: "1" } })
    return { people, first: first.data }
  })

export const DirectoryLive = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)
