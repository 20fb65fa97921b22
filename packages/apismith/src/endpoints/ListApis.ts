/**
 * `GET /api/v1/apis`: the metadata of every API of the instance.
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"

/**
 * The discovery endpoint. Its body is a JSON array with one object per API; the array is decoded
 * here and each API on its own by `decodeDiscovery`, so one malformed API is reported by itself.
 */
export const ListApis = defineEndpoint({
  entity: "api",
  module: "apis",
  name: "list",
  method: "GET",
  path: "/api/v1/apis",
  response: Schema.Array(Schema.Unknown)
})
