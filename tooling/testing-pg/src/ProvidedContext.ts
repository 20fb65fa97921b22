/**
 * What the global setup hands to test files through vitest's `provide` / `inject`.
 */

/** The key under which the global setup provides the admin connection URL of the run's PostgreSQL server. */
export const adminUrlKey = "syncflowPgAdminUrl"

declare module "vitest" {
  export interface ProvidedContext {
    /**
     * A superuser (or CREATEDB) connection URL of the PostgreSQL server of this test run: `DATABASE_URL`,
     * or the embedded server the global setup started. Missing when the global setup did not run.
     */
    syncflowPgAdminUrl?: string
  }
}
