/**
 * The `adapters` endpoint group: the connector plugins this server offers, each with its
 * capabilities and the JSON Schemas of its settings and credentials (the dashboard and
 * `connectors add` build their forms from them).
 */
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"

const JsonSchemaObject = Schema.Record(Schema.String, Schema.Json)

/** A connector plugin, as `GET /adapters` lists it. */
export const AdapterView = Schema.Struct({
  /** The `adapter` connectors of it are created with. */
  name: Schema.String,
  title: Schema.String,
  description: Schema.String,
  capabilities: Schema.Struct({
    discover: Schema.Boolean,
    incremental: Schema.Boolean,
    webhooks: Schema.Boolean,
    oauth2: Schema.Boolean,
    write: Schema.Boolean
  }),
  /** The JSON Schema (draft 2020-12) of a connector's `config`. */
  settingsSchema: JsonSchemaObject,
  /** The JSON Schema of a connector's `credentials`; secrets are `writeOnly` with `format: "password"`. */
  credentialsSchema: JsonSchemaObject
})

/** The connector plugins this server offers. */
export class AdaptersGroup extends HttpApiGroup.make("adapters")
  .add(
    HttpApiEndpoint.get("list", "/adapters", { success: Schema.Array(AdapterView) }).annotateMerge(
      OpenApi.annotations({
        summary: "List adapters",
        description:
          "The connector plugins this server offers (`apismith`, `pco`, ...) with their capabilities and the JSON Schemas of their settings and credentials: what `POST /connectors` takes as `adapter`, `config` and `credentials`."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(
    OpenApi.annotations({
      title: "Adapters",
      description: "The connector plugins this server offers, with the JSON Schemas of their settings and credentials"
    })
  ) {}
