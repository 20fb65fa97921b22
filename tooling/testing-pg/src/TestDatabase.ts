/**
 * The database a test file works in: created for it on the run's server, dropped when it is done.
 */
import { randomBytes } from "node:crypto"
import { Context, type Redacted } from "effect"

/** The prefix of every test database's name, so leftovers of killed runs can be found and dropped. */
export const testDatabasePrefix = "syncflow_test_"

/** The current test file's own database: its name and a connection URL to it (to hand to code under test). */
export class TestDatabase extends Context.Service<
  TestDatabase,
  {
    readonly name: string
    readonly url: Redacted.Redacted<string>
  }
>()("@syncflow/testing-pg/TestDatabase") {}

/** A new, unique database name: `syncflow_test_<time>_<random>`, a plain lowercase identifier. */
export const makeTestDatabaseName = (): string =>
  `${testDatabasePrefix}${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`
