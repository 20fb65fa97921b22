/**
 * The root README's quick start, as CI runs it: `pnpm start` (the script's command, with this Node)
 * on a bare machine — no DATABASE_URL, no secrets — starts an embedded PostgreSQL in the data
 * directory, generates and keeps the secrets there, and serves the API; it stops cleanly.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import { exited, listening } from "./serverProcess.ts"

const root = fileURLToPath(new URL("../../../", import.meta.url))

const PackageJson = Schema.Struct({ scripts: Schema.Struct({ start: Schema.String }) })

describe("README quick start", () => {
  it("documents `pnpm install && pnpm start`, and `start` runs `syncflow serve`", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8")
    assert.include(readme, "npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start")
    const pkg = Schema.decodeUnknownSync(Schema.fromJsonString(PackageJson))(
      readFileSync(join(root, "package.json"), "utf8")
    )
    assert.strictEqual(
      pkg.scripts.start,
      "node --max-semi-space-size=8 --max-old-space-size=1024 packages/server/src/bin.ts serve"
    )
  })

  it.live(
    "`pnpm start` on a bare machine: embedded PostgreSQL, generated secrets, health answers, clean stop",
    () =>
      Effect.gen(function* () {
        const pkg = Schema.decodeUnknownSync(Schema.fromJsonString(PackageJson))(
          readFileSync(join(root, "package.json"), "utf8")
        )
        const [command, ...args] = pkg.scripts.start.split(" ")
        assert.strictEqual(command, "node")
        const dataDir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "syncflow-quickstart-"))),
          (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
        )
        const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", SYNCFLOW_DATA_DIR: dataDir }
        for (const name of ["DATABASE_URL", "SYNCFLOW_SECRET_KEY", "SYNCFLOW_API_KEY", "SYNCFLOW_JWT_SECRET"]) {
          delete env[name]
        }
        const output: Array<string> = []
        const child = yield* Effect.acquireRelease(
          Effect.sync(() => spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })),
          (child) =>
            Effect.promise(async () => {
              if (child.exitCode === null) child.kill("SIGKILL")
              await exited(child)
            })
        )
        const url = yield* Effect.promise(() => listening(child, output)).pipe(Effect.timeout(Duration.seconds(90)))

        const health = yield* Effect.promise(() => fetch(`${url}/api/v1/health`).then((r) => r.status))
        assert.strictEqual(health, 200)
        const db = yield* Effect.promise(() => fetch(`${url}/api/v1/health/db`).then((r) => r.status))
        assert.strictEqual(db, 200)

        // The secrets were generated into the data directory, readable by the owner only.
        for (const file of ["secret-key", "api-key"]) {
          assert.strictEqual(statSync(join(dataDir, file)).mode & 0o777, 0o600, file)
        }
        const apiKey = readFileSync(join(dataDir, "api-key"), "utf8").trim()
        assert.notInclude(output.join(""), apiKey)
        const unauthorized = yield* Effect.promise(() => fetch(`${url}/api/v1/connectors`).then((r) => r.status))
        assert.strictEqual(unauthorized, 401)
        const listed = yield* Effect.promise(() =>
          fetch(`${url}/api/v1/connectors`, { headers: { authorization: `Bearer ${apiKey}` } }).then((r) => r.status)
        )
        assert.strictEqual(listed, 200)

        // SIGTERM stops the server and its PostgreSQL.
        child.kill("SIGTERM")
        yield* Effect.promise(() => exited(child)).pipe(Effect.timeout(Duration.seconds(60)))
        assert.isFalse(existsSync(join(dataDir, "postgres", "postmaster.pid")))
      }).pipe(Effect.scoped),
    120_000
  )
})
