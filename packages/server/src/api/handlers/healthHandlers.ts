/**
 * Health: liveness (the process answers), readiness (the database answers a query and every
 * migration of this build is applied) and the connectors' upstream health (cached health probes,
 * see `ConnectorHealth`). A failing check makes the answer a 503 `Unhealthy` problem.
 */
import { StateMigrations } from "@syncflow/sync-engine"
import { Clock, Duration, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { SqlClient } from "effect/sql"
import { ConnectorHealth } from "../../connectors/ConnectorHealth.ts"
import { Api } from "../Api.ts"
import { type ComponentHealth, Unhealthy } from "../groups/HealthGroup.ts"
import { ServerInfo } from "../ServerInfo.ts"

/** How long one readiness check may take before it counts as down. */
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

/** The ids of this build's migrations that the database has not applied. */
const missingMigrations = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ readonly id: number }>`SELECT id FROM syncflow.schema_migrations`
  const applied = new Set(rows.map((row) => row.id))
  return StateMigrations.migrations.filter((migration) => !applied.has(migration.id)).map((migration) => migration.id)
})

/** The migrations check: fails naming the migrations not applied yet. */
const migrationsApplied = Effect.flatMap(missingMigrations, (missing) =>
  missing.length === 0 ? Effect.void : Effect.fail({ message: `migrations not applied: ${missing.join(", ")}` })
)

/** The health handlers. */
export const HealthHandlers = HttpApiBuilder.group(Api, "health", (handlers) =>
  Effect.gen(function* () {
    const info = yield* ServerInfo
    const sql = yield* SqlClient.SqlClient
    const connectorHealth = yield* ConnectorHealth

    const report = (checks: ReadonlyArray<Check>) => {
      const down = checks.filter((c) => c.status === "down")
      return down.length === 0
        ? Effect.succeed({ status: "ok" as const, version: info.version, checks })
        : Effect.fail(
            new Unhealthy({
              detail: down.map((c) => `${c.name}: ${c.message ?? "down"}`).join("; "),
              version: info.version,
              checks
            })
          )
    }

    const live = Effect.succeed({ status: "ok" as const, version: info.version, checks: [] })
    const ready = Effect.gen(function* () {
      const database = yield* check("database", sql`SELECT 1`)
      const migrations =
        database.status === "ok"
          ? yield* check("migrations", migrationsApplied.pipe(Effect.provideService(SqlClient.SqlClient, sql)))
          : { name: "migrations", status: "down" as const, message: "the database is down" }
      return yield* report([database, migrations])
    })
    const connectors = Effect.gen(function* () {
      const probes = yield* connectorHealth.check.pipe(Effect.result)
      if (probes._tag === "Failure") {
        return yield* report([{ name: "database", status: "down", message: probes.failure.message }])
      }
      return yield* report(
        probes.success.map(
          (probe): Check => ({
            name: `connector:${probe.connectorId}`,
            status: probe.status,
            ...(probe.message === undefined ? {} : { message: probe.message }),
            latencyMs: probe.latencyMs,
            checkedAt: probe.checkedAt.toISOString()
          })
        )
      )
    })

    return handlers
      .handle("live", () => live)
      .handle("liveLegacy", () => live)
      .handle("ready", () => ready)
      .handle("database", () => ready)
      .handle("connectors", () => connectors)
  })
)
