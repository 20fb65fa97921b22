/**
 * The dashboard's client of the admin API, typed by the server's own `HttpApi` definition
 * (`@syncflow/server/api`): a route, parameter or response the server changes fails the dashboard's
 * type check instead of drifting. Every request carries the signed-in admin key as a bearer token.
 */
import { Api } from "@syncflow/server/api"
import { Effect } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"

/** Builds the client for `token`, against the server that served the page. */
export const makeApiClient = (token: string, baseUrl: string = window.location.origin) =>
  HttpApiClient.make(Api, {
    baseUrl,
    transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(token))
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** The typed client: one method per endpoint, grouped as the API groups them (`client.runs.list`). */
export type ApiClient = Effect.Success<ReturnType<typeof makeApiClient>>
