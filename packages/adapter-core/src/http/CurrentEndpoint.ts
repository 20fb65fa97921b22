/**
 * The endpoint a request belongs to, such as `people.list`, so that middleware deep in the HTTP
 * stack (classification, auth, retries) can name it in the typed errors it raises.
 */
import { Context } from "effect"

/** The name of the endpoint being called; `"unknown"` outside an adapter client call. */
export const CurrentEndpoint = Context.Reference<string>("@syncflow/adapter-core/CurrentEndpoint", {
  defaultValue: () => "unknown"
})
