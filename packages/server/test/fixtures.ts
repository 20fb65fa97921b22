/**
 * Shared fixtures of the server tests: the whole server (`serverAppLayer`) on a random port over the
 * file's test database (stopped once the syncs its test started have finished), a small JSON client
 * for it, and a bounded wait on a real condition.
 */
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgTest } from "@syncflow/testing-pg"
import { Context, Duration, Effect, Layer, Option, Redacted, References, Schedule, Schema } from "effect"
import * as Base64 from "effect/encoding/Base64"
import { HttpServer } from "effect/http"
import { SqlClient } from "effect/sql"
import { type ServerAppOptions, serverAppLayer } from "../src/app/ServerApp.ts"
import type { ServerSettings } from "../src/config/ServerConfig.ts"

/** The admin API key of the test servers. */
export const apiKey = "test-admin-key"

/** The JWT secret of the test servers. */
export const jwtSecret = Redacted.make("test-jwt-secret")

/** The credentials key of the test servers (32 bytes, base64). */
export const secretKey = Redacted.make(Base64.encode(new Uint8Array(32).fill(9)))

/** Settings for a server on a random loopback port over `databaseUrl`. */
export const testSettings = (databaseUrl: Redacted.Redacted<string>): ServerSettings => ({
  port: 0,
  host: "127.0.0.1",
  // Nothing is written there: the database is external and every secret is given.
  dataDir: join(tmpdir(), "syncflow-server-unused"),
  databaseUrl: Option.some(databaseUrl),
  apiKey: Option.some(Redacted.make(apiKey)),
  jwtSecret: Option.some(jwtSecret),
  secretKey: Option.some(secretKey),
  publicUrl: Option.some("http://127.0.0.1"),
  runner: Option.none(),
  redisUrl: Option.none(),
  // Syncs start only when a test triggers them (the scheduler would sync new entities at once).
  scheduler: false,
  logFormat: "json",
  healthTtlSeconds: 30,
  retentionDays: 30
})

/** The running test server's base URL. */
export class TestServer extends Context.Service<TestServer, { readonly baseUrl: string }>()("test/TestServer") {}

/**
 * The `TestServer` of a running server layer. When it stops, it first lets the syncs a test started
 * (and did not wait for) finish, so the runner does not shut down under a workflow that is still
 * sending messages.
 */
export const testServerOf = <E, R>(app: Layer.Layer<HttpServer.HttpServer, E, R>) =>
  Layer.effect(
    TestServer,
    Effect.gen(function* () {
      const server = yield* HttpServer.HttpServer
      const address = server.address
      if (address._tag === "UnixPathAddress") return yield* Effect.die("the server is not on TCP")
      const sql = yield* SqlClient.SqlClient
      yield* Effect.addFinalizer(() =>
        eventually(
          sql<{ readonly pending: number }>`
          SELECT count(*)::int AS pending FROM cluster_messages WHERE NOT processed`.pipe(
            Effect.map(([row]) => (row?.pending === 0 ? Option.some(row) : Option.none()))
          )
        ).pipe(Effect.ignore)
      )
      return TestServer.of({ baseUrl: `http://127.0.0.1:${address.port}` })
    })
  ).pipe(Layer.provide(app))

/**
 * The server composed with `options` (e.g. its plugins) on the file's test database, which it also
 * provides; `settings` change the test settings.
 */
export const testServerLayerWith = (options: ServerAppOptions, settings: Partial<ServerSettings> = {}) =>
  Layer.unwrap(
    Effect.gen(function* () {
      const url = yield* PgTest.databaseUrl
      return testServerOf(serverAppLayer({ ...testSettings(url), ...settings }, options)).pipe(
        // Quiet request logs; warnings and errors still show.
        Layer.provide(Layer.succeed(References.MinimumLogLevel, "Warn"))
      )
    })
  ).pipe(Layer.provideMerge(PgTest.layer))

/** The server (with the built-in plugins) on the file's test database, which it also provides. */
export const testServerLayer = testServerLayerWith({})

/** A response: its status and its JSON body (or text when it is not JSON). */
export interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers: Headers
}

/** Calls the test server: `token` defaults to the API key; `null` sends none. */
export const call = (
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly token?: string | null; readonly raw?: string } = {}
): Effect.Effect<Reply, never, TestServer> =>
  Effect.gen(function* () {
    const { baseUrl } = yield* TestServer
    const token = options.token === undefined ? apiKey : options.token
    const headers: Record<string, string> = {}
    if (token !== null) headers.authorization = `Bearer ${token}`
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (body !== undefined) headers["content-type"] = "application/json"
    return yield* Effect.promise(async () => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        redirect: "manual",
        ...(body === undefined ? {} : { body })
      })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = text === "" ? null : JSON.parse(text)
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers }
    })
  })

/** Polls `check` until it returns a value, for at most `timeout` (real time: a server is involved). */
export const eventually = <A, E, R>(
  check: Effect.Effect<Option.Option<A>, E, R>,
  timeout: Duration.Input = Duration.seconds(60)
): Effect.Effect<A, E | string, R> =>
  check.pipe(
    Effect.flatMap((found) => (Option.isSome(found) ? Effect.succeed(found.value) : Effect.fail("not yet" as const))),
    Effect.retry({ while: (error) => error === "not yet", schedule: Schedule.spaced(Duration.millis(200)) }),
    Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail("timed out waiting for a condition") })
  )

/** The reply's body decoded with `schema` (a test fails with the decoding error when it does not fit). */
export const bodyAs = <S extends Schema.ConstraintDecoder<unknown>>(reply: Reply, schema: S): S["Type"] =>
  Schema.decodeUnknownSync(schema)(reply.body)
