/**
 * `GET /adapters`: the connector plugins this server offers, with their JSON Schemas.
 */
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { ConnectorPlugins } from "../../connectors/ConnectorPlugins.ts"
import { Api } from "../Api.ts"

/** The adapters handler. */
export const AdaptersHandlers = HttpApiBuilder.group(Api, "adapters", (handlers) =>
  Effect.gen(function* () {
    const plugins = yield* ConnectorPlugins
    const views = plugins.all.map((plugin) => ({
      name: plugin.name,
      title: plugin.title,
      description: plugin.description,
      capabilities: plugin.capabilities,
      settingsSchema: plugin.settingsJsonSchema,
      credentialsSchema: plugin.credentialsJsonSchema
    }))
    return handlers.handle("list", () => Effect.succeed(views))
  })
)
