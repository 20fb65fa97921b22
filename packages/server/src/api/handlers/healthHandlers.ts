/**
 * Health: liveness (the process answers), the database (a query answers) and each connector's
 * upstream (its test connection passes). A failing check makes the report `degraded`, served as 503.
 */
import { ConnectorStore } from "@syncflow/sync-engine"
import { Clock, Duration, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { SqlClient } from "effect/sql"
import { ConnectorRuntimes } from "../../connectors/ConnectorRuntimes.ts"
import { Api } from "../Api.ts"
import { type ComponentHealth, Degraded } from "../groups/HealthGroup.ts"
import { ServerInfo } from "../ServerInfo.ts"

/** How long one check may take before it counts as down. */
const checkTimeout = Duration.seconds(10)

type Check = typeof ComponentHealth.Type

/** Runs a check, timing it; a failure or a timeout is `down` with its message. */
const check = <E extends { readonly message: string }, R>(
  name: string,
  effect: Effect.Effect<unknown, E, R>
): Effect.Effect<Check, never, R> =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis
    const outcome = yield* effect.pipe(
      Effect.timeoutOrElse({ duration: checkTimeout, orElse: () => Effect.fail({ message: "timed out" }) }),
      Effect.result
    )
    const latencyMs = (yield* Clock.currentTimeMillis) - start
    return outcome._tag === "Success"
      ? { name, status: "ok" as const, latencyMs }
      : { name, status: "down" as const, message: outcome.failure.message, latencyMs }
  })

/** The health handlers. */
export const HealthHandlers = HttpApiBuilder.group(Api, "health", (handlers) =>
  Effect.gen(function* () {
    const info = yield* ServerInfo
    const sql = yield* SqlClient.SqlClient
    const connectorStore = yield* ConnectorStore
    const runtimes = yield* ConnectorRuntimes

    const report = (checks: ReadonlyArray<Check>) =>
      checks.every((c) => c.status === "ok")
        ? Effect.succeed({ status: "ok" as const, version: info.version, checks })
        : Effect.fail(new Degraded({ status: "degraded", version: info.version, checks }))

    return handlers
      .handle("live", () => Effect.succeed({ status: "ok" as const, version: info.version, checks: [] }))
      .handle("database", () => Effect.flatMap(check("database", sql`SELECT 1`), (database) => report([database])))
      .handle("connectors", () =>
        Effect.gen(function* () {
          const connectors = yield* connectorStore.listConnectors.pipe(Effect.orElseSucceed(() => []))
          const checks = yield* Effect.forEach(
            connectors,
            (connector) =>
              check(
                `connector:${connector.name}`,
                Effect.flatMap(runtimes.get(connector.id), (running) => running.runtime.adapter.testConnection)
              ),
            { concurrency: 8 }
          )
          return yield* report(checks)
        })
      )
  })
)
