/**
 * Shared fixtures of the ETL step tests: an ERP connector on a fake ERP with its manifests saved,
 * the adapters layer definitions run with, and exact decimal arithmetic for expected sums (in
 * hundredths, computed here independently of the engine).
 */
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, engineLayer, fakeErp } from "../pipeline/fixtures.ts"

/** The engine and the definitions on a fresh test database. */
export const etlLayer = SyncDefinitions.layer.pipe(Layer.provideMerge(engineLayer))

/** A fake ERP registered as connector `id`, its manifests saved, and the adapters layer that runs it. */
export const erpConnector = (id: string, options: Parameters<typeof fakeErp>[0]) =>
  Effect.gen(function* () {
    const erp = yield* fakeErp(options)
    yield* (yield* ConnectorStore).createConnector({ id, adapter: "apismith", name: id })
    yield* (yield* ManifestStore).saveManifests(id, erp.manifests)
    return erp
  })

/** The adapters of connectors by id (each with the APISmith stage options). */
export const adaptersOf = (adapters: Readonly<Record<string, Effect.Success<ReturnType<typeof fakeErp>>["adapter"]>>) =>
  Layer.succeed(ConnectorAdapters, {
    runtime: (connectorId: string) => {
      const adapter = adapters[connectorId]
      return adapter === undefined
        ? Effect.die(`no adapter ${connectorId}`)
        : Effect.succeed({ adapter, stages: () => apiSmithStages })
    }
  })

/** A decimal's clean text as an integer number of hundredths. */
export const cents = (value: unknown): number => Math.round(Number(value) * 100)

/** Hundredths as canonical decimal text (`12345` -> `123.45`, `12300` -> `123`). */
export const centsText = (n: number): string => {
  const sign = n < 0 ? "-" : ""
  const abs = Math.abs(n)
  const units = Math.floor(abs / 100)
  const fraction = String(abs % 100)
    .padStart(2, "0")
    .replace(/0+$/, "")
  return `${sign}${units}${fraction === "" ? "" : `.${fraction}`}`
}

/** Rows of a query, each value as text (numerics without trailing zeros). */
export const queryTexts = (statement: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<Record<string, string | null>>(statement))
