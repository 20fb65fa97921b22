/**
 * An apismith connector added with `syncflow connectors add` against a fake ERP on loopback, as
 * the CLI tests set one up: the fake's URL as config, its service JWT secret as credentials.
 */
import type { FakeErp } from "@syncflow/apismith/testing"
import { type Effect, Redacted } from "effect"
import { type CliResult, syncflow } from "./cliProcess.ts"

/** How the connector differs from the plain one: config fields beside `baseUrl`, CLI options before the name. */
export interface ErpConnectorOptions {
  readonly config?: Record<string, unknown>
  readonly args?: ReadonlyArray<string>
}

/** Runs `syncflow connectors add --adapter apismith --id <id> ... <name>` for `fake` (`name` defaults to `id`). */
export const addErpConnector = (
  env: NodeJS.ProcessEnv,
  fake: FakeErp.FakeErp,
  id: string,
  name: string = id,
  options: ErpConnectorOptions = {}
): Effect.Effect<CliResult> =>
  syncflow(
    [
      "connectors",
      "add",
      "--adapter",
      "apismith",
      "--id",
      id,
      ...(options.args ?? []),
      "--config",
      JSON.stringify({ baseUrl: fake.baseUrl, ...options.config }),
      "--credentials",
      JSON.stringify({ type: "serviceJwt", secret: Redacted.value(fake.secret) }),
      name
    ],
    env
  )
