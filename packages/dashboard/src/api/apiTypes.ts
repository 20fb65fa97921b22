/**
 * The API's views as the dashboard uses them, read off the typed client (and so off the server's
 * `HttpApi` definition): a run, a run event.
 */
import type { Effect, Stream } from "effect"
import type { ApiClient } from "./ApiClient.ts"

type StreamElement<S> = S extends Stream.Stream<infer A, infer _E, infer _R> ? A : never

/** A run with its stage counts (`GET /runs/{id}`). */
export type RunView = Extract<Effect.Success<ReturnType<ApiClient["runs"]["get"]>>, { readonly counts: unknown }>

/** One event of a run's stream (`GET /runs/{id}/events`). */
export type RunEvent = StreamElement<Effect.Success<ReturnType<ApiClient["runs"]["events"]>>>

/** A run's status. */
export type RunStatus = RunView["status"]
