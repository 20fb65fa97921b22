/**
 * The n8n instance the CLI talks to: `SYNCFLOW_N8N_URL` and `SYNCFLOW_N8N_API_KEY` (the key from
 * the environment, never a flag), through `@syncflow/n8n`'s client in this process.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp } from "@syncflow/adapter-core"
import { N8nClient, type N8nClientService } from "@syncflow/n8n"
import { Effect, Layer, type Scope } from "effect"
import { CliFailure } from "./CliFailure.ts"
import { cliSettings } from "./Root.ts"

/** A client of the configured instance for the life of the scope; `undefined` when none is configured. */
export const configuredN8n: Effect.Effect<
  N8nClientService | undefined,
  Effect.Error<ReturnType<typeof cliSettings>>,
  Effect.Services<ReturnType<typeof cliSettings>> | Scope.Scope
> = Effect.gen(function* () {
  const { n8n } = yield* cliSettings()
  if (n8n === undefined) return undefined
  const http = yield* Layer.build(Layer.merge(AdapterHttp.layerMemory(), NodeHttpClient.layerUndici))
  return yield* N8nClient.make({ baseUrl: n8n.baseUrl, apiKey: n8n.apiKey }).pipe(Effect.provideContext(http))
})

/** The configured instance's client, or a `CliFailure` saying what to set. */
export const requiredN8n = Effect.flatMap(configuredN8n, (client) =>
  client === undefined
    ? Effect.fail(
        new CliFailure({ message: "No n8n instance is configured: set SYNCFLOW_N8N_URL and SYNCFLOW_N8N_API_KEY" })
      )
    : Effect.succeed(client)
)
