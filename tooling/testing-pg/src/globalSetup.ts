/**
 * Vitest global setup (once per test run): finds or starts the run's PostgreSQL server and provides
 * its admin URL to test files (`inject("syncflowPgAdminUrl")`, read by `PgTest.layer`).
 *
 * With `DATABASE_URL` set, that server is used. Otherwise an embedded PostgreSQL runs from
 * `<repo>/.syncflow/test-pg/cluster-N` (N > 1 only while another run uses cluster 1) and stops in
 * the teardown.
 */
import { fileURLToPath } from "node:url"
import { Cause, Effect, Exit, Redacted, Scope } from "effect"
import type { TestProject } from "vitest/node"
import { adminUrlKey } from "./ProvidedContext.ts"
import { acquireTestPostgres } from "./TestPostgres.ts"

/** `<repo>/.syncflow/test-pg`, from this file's place in the repository (tooling/testing-pg/src). */
const baseDir = fileURLToPath(new URL("../../../.syncflow/test-pg", import.meta.url))

/** Starts (or finds) the run's server, provides its URL, and returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scope = Effect.runSync(Scope.make())
  const exit = await Effect.runPromiseExit(
    acquireTestPostgres({ databaseUrl: process.env.DATABASE_URL, baseDir }).pipe(
      Effect.tap((server) => Effect.logInfo(`[testing-pg] ${server.description}`)),
      Scope.provide(scope)
    )
  )
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, exit))
    const error = Cause.squash(exit.cause)
    throw error instanceof Error ? error : new Error(Cause.pretty(exit.cause))
  }
  project.provide(adminUrlKey, Redacted.value(exit.value.adminUrl))
  return () => Effect.runPromise(Scope.close(scope, Exit.void))
}
