/**
 * Driving a running SyncFlow server from TypeScript: the admin API's schema doubles as a typed
 * client. Connect an APISmith instance, discover its entities, and start a sync of all of them.
 */
import { Api } from "@syncflow/server"
import { Effect } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"

export const connectErp = (options: {
  readonly server: string // e.g. http://localhost:8080
  readonly apiKey: string // SYNCFLOW_API_KEY
  readonly erpUrl: string
  readonly erpSecret: string // APISmith's INTERNAL_SERVICE_JWT_SECRET
}) =>
  Effect.gen(function* () {
    const syncflow = yield* HttpApiClient.make(Api, {
      baseUrl: options.server,
      transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(options.apiKey))
    })
    const connector = yield* syncflow.connectors.create({
      payload: {
        id: "erp",
        adapter: "apismith",
        name: "ERP",
        config: { baseUrl: options.erpUrl },
        credentials: { type: "serviceJwt", secret: options.erpSecret }
      }
    })
    const entities = yield* syncflow.connectors.discover({ params: { connectorId: connector.id } })
    const { executionId } = yield* syncflow.connectors.sync({ params: { connectorId: connector.id }, payload: {} })
    return { entities: entities.map((entity) => entity.entity), executionId }
  }).pipe(Effect.provide(FetchHttpClient.layer))
