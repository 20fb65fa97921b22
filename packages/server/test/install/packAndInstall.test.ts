/**
 * Issue 15's proof that SyncFlow works outside this repository: every package is built and packed
 * with `pnpm pack`, the tarballs are installed with plain `npm` into a fresh project in a temporary
 * directory (no workspace links), and there the adapter READMEs' examples type-check and run against
 * the shipped fakes, `syncflow --help` answers, `syncflow serve` (embedded PostgreSQL, as
 * `npx syncflow serve`) answers `/api/v1/health`, and `syncflow sync` fills tables that match the
 * fake ERP's ground truth. It needs the npm registry for the packages' own dependencies.
 */
import { type ExecFileException, execFile, spawn } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync
} from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { delimiter, dirname, isAbsolute, join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Duration, Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { afterAll, beforeAll, describe } from "vitest"
import { secretKey } from "../fixtures.ts"
import { exited, listening } from "../serverProcess.ts"

const root = fileURLToPath(new URL("../../../../", import.meta.url))
const here = fileURLToPath(new URL(".", import.meta.url))

/** The published packages, in dependency order. */
const packages = [
  "adapter-core",
  "embedded-postgres",
  "pco",
  "apismith",
  "schedulehub",
  "rest",
  "n8n",
  "sync-engine",
  "server"
] as const
/** The packages whose README examples run in the fresh project. */
const withExamples = ["adapter-core", "apismith", "pco"] as const

const Exports = Schema.Record(Schema.String, Schema.Struct({ types: Schema.String, default: Schema.String }))
const PackedManifest = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  license: Schema.String,
  repository: Schema.Struct({ type: Schema.String, url: Schema.String, directory: Schema.String }),
  engines: Schema.Struct({ node: Schema.String }),
  sideEffects: Schema.Union([Schema.Boolean, Schema.Array(Schema.String)]),
  files: Schema.Array(Schema.String),
  exports: Exports,
  bin: Schema.optional(Schema.Record(Schema.String, Schema.String)),
  dependencies: Schema.optional(Schema.Record(Schema.String, Schema.String)),
  peerDependencies: Schema.Struct({ effect: Schema.String })
})
const decodeManifest = Schema.decodeUnknownSync(Schema.fromJsonString(PackedManifest))
const decodeVitestReport = Schema.decodeUnknownSync(
  Schema.fromJsonString(Schema.Struct({ numPassedTests: Schema.Number, numTotalTests: Schema.Number }))
)
const RootManifest = Schema.Struct({ version: Schema.String, engines: Schema.Struct({ node: Schema.String }) })

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to its end; never rejects (the caller asserts on the code). */
const run = (command: string, args: ReadonlyArray<string>, options: { cwd: string; env: NodeJS.ProcessEnv }) =>
  new Promise<Ran>((resolve) => {
    execFile(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error: ExecFileException | null, o, e) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout: o, stderr: e })
    )
  })

const ok = (what: string, result: Ran) => {
  assert.strictEqual(result.code, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

// The installed project runs on this Node (the workspace's Node 24, >= 22.19), found first on PATH,
// with none of the package manager's settings of the test run.
const nodeDir = dirname(process.execPath)
const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|VITEST|DATABASE_URL$|SYNCFLOW_)/.test(key)) env[key] = value
  }
  return { ...env, PATH: [nodeDir, env.PATH ?? ""].join(delimiter), ...extra }
}

const pnpm = ["-y", "pnpm@10.34.9"]
let project = ""
let tarballs = ""
const tarballsOf = () => readdirSync(tarballs).filter((f) => f.endsWith(".tgz"))
const installedBin = () => join(project, "node_modules", ".bin", "syncflow")

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), "syncflow-install-"))
  tarballs = join(base, "tarballs")
  project = join(base, "project")
  mkdirSync(tarballs)
  mkdirSync(project)

  // Pack: each package's `prepack` builds it (tsc -b) first; `workspace:*` become versions and
  // `publishConfig` swaps the source exports for dist ones.
  for (const name of packages) {
    ok(
      `pnpm pack ${name}`,
      await run("npx", [...pnpm, "pack", "--pack-destination", tarballs], {
        cwd: join(root, "packages", name),
        env: cleanEnv()
      })
    )
  }

  // A user's project: the tarballs, plus what a user of the examples installs from the registry.
  // `effect` is a peer dependency of every package: one copy, the user's (`npm install effect`).
  const dependencies: Record<string, string> = { effect: "^4.1.0", "@effect/platform-node": "^4.1.0" }
  for (const file of tarballsOf()) {
    const name = file.replace(/^syncflow-(.+)-\d+\.\d+\.\d+\.tgz$/, "@syncflow/$1")
    dependencies[name] = `file:${join(tarballs, file)}`
  }
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      name: "syncflow-consumer",
      private: true,
      type: "module",
      dependencies,
      devDependencies: { typescript: "5.9.3", "@types/node": "^24.0.0", vitest: "5.1.1", "@effect/vitest": "4.0.5" }
    })
  )
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2023",
        lib: ["ES2023"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        types: ["node"],
        strict: true,
        exactOptionalPropertyTypes: true,
        allowImportingTsExtensions: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        noEmit: true
      },
      include: ["*.ts", "examples"]
    })
  )
  for (const file of ["readmeExamples.spec.ts", "types.ts"]) {
    copyFileSync(join(here, "consumer", file), join(project, file))
  }
  for (const name of withExamples) {
    mkdirSync(join(project, "examples", name), { recursive: true })
    for (const file of readdirSync(join(root, "packages", name, "examples"))) {
      copyFileSync(join(root, "packages", name, "examples", file), join(project, "examples", name, file))
    }
  }

  const started = performance.now()
  ok("npm install", await run("npm", ["install", "--no-audit", "--no-fund"], { cwd: project, env: cleanEnv() }))
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const sizes = tarballsOf().map((f) => `${f} ${(statSync(join(tarballs, f)).size / 1024).toFixed(0)} kB`)
  console.info(`packed: ${sizes.join(", ")}; npm install took ${seconds} s`)
}, 600_000)

afterAll(async () => {
  if (project !== "") await rm(dirname(project), { recursive: true, force: true })
})

describe("packed with pnpm pack, installed with npm outside the repository", () => {
  layer(PgTest.layer, { timeout: 240_000, excludeTestServices: true })("the installed packages", (it) => {
    it("each tarball exports dist JavaScript and declarations, with its metadata, versions in step", () => {
      const rootManifest = Schema.decodeUnknownSync(Schema.fromJsonString(RootManifest))(
        readFileSync(join(root, "package.json"), "utf8")
      )
      assert.strictEqual(tarballsOf().length, packages.length)
      const license = readFileSync(join(root, "LICENSE"), "utf8")
      for (const name of packages) {
        const dir = join(project, "node_modules", "@syncflow", name)
        const manifest = decodeManifest(readFileSync(join(dir, "package.json"), "utf8"))
        assert.strictEqual(manifest.version, rootManifest.version, name)
        assert.strictEqual(manifest.engines.node, rootManifest.engines.node, name)
        assert.strictEqual(manifest.license, "MIT")
        assert.strictEqual(manifest.repository.directory, `packages/${name}`)
        assert.isUndefined(manifest.dependencies?.effect, `${name}: effect is a peer dependency`)
        for (const [version, dependency] of Object.entries(manifest.dependencies ?? {})) {
          assert.notInclude(dependency, "workspace:", `${name} → ${version}`)
        }
        for (const [path, target] of Object.entries(manifest.exports)) {
          assert.match(target.default, /^\.\/dist\/.+\.js$/, `${name} ${path}`)
          assert.match(target.types, /^\.\/dist\/.+\.d\.ts$/, `${name} ${path}`)
          for (const file of [target.default, target.types, `${target.default}.map`, `${target.types}.map`]) {
            assert.isTrue(statSync(join(dir, file)).isFile(), `${name}: ${file}`)
          }
        }
        // The license ships with the package: the repository's, word for word.
        assert.strictEqual(readFileSync(join(dir, "LICENSE"), "utf8"), license, `${name}: LICENSE`)
        // The README ships with the package, examples included.
        const readme = readFileSync(join(dir, "README.md"), "utf8")
        if ((withExamples as ReadonlyArray<string>).includes(name)) {
          for (const file of readdirSync(join(project, "examples", name))) {
            assert.include(readme, readFileSync(join(project, "examples", name, file), "utf8").trim(), file)
          }
        }
      }
      // One `effect` for all: a second copy breaks at run time (a Redacted of one is opaque to the other).
      for (const name of packages) {
        assert.isFalse(existsSync(join(project, "node_modules/@syncflow", name, "node_modules/effect")), name)
      }
      const server = decodeManifest(readFileSync(join(project, "node_modules/@syncflow/server/package.json"), "utf8"))
      assert.deepStrictEqual(server.bin, { syncflow: "./dist/syncflow.js" })
    })

    it("the README examples and the packages' declarations type-check in the user's project", async () => {
      ok(
        "tsc",
        await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], { cwd: project, env: cleanEnv() })
      )
    })

    it("the README examples run against the shipped fakes (vitest in the user's project)", async () => {
      const result = await run(
        process.execPath,
        ["node_modules/vitest/vitest.mjs", "run", "--reporter=json", "--outputFile=vitest.json"],
        { cwd: project, env: cleanEnv() }
      )
      ok("vitest", result)
      const report = decodeVitestReport(readFileSync(join(project, "vitest.json"), "utf8"))
      // the five examples of readmeExamples.spec.ts and the test of examples/pco/testFake.ts
      assert.deepStrictEqual([report.numPassedTests, report.numTotalTests], [6, 6], result.stdout)
    })

    it("`syncflow --help` and `--version` answer from the installed binary", async () => {
      const help = ok("syncflow --help", await run(installedBin(), ["--help"], { cwd: project, env: cleanEnv() }))
      for (const command of ["serve", "connectors", "discover", "sync", "runs", "failed"]) assert.include(help, command)
      const version = ok(
        "syncflow --version",
        await run(installedBin(), ["--version"], { cwd: project, env: cleanEnv() })
      )
      assert.include(version, "0.1.0")
    })

    it("on a Node older than 22.19, `syncflow` fails with one clear line", async () => {
      // The machine's own Node (the first on PATH that is not this run's).
      const systemNode = (process.env.PATH ?? "")
        .split(delimiter)
        .filter((dir) => isAbsolute(dir) && dir !== nodeDir && !dir.startsWith(root))
        .map((dir) => join(dir, "node"))
        .find((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true)
      assert.isDefined(systemNode, "no system Node on PATH")
      const entry = join(project, "node_modules/@syncflow/server/dist/syncflow.js")
      const version = ok(
        "node --version",
        await run(systemNode ?? "node", ["--version"], { cwd: project, env: cleanEnv() })
      )
      const [major = 0, minor = 0] = version.trim().slice(1).split(".").map(Number)
      const result = await run(systemNode ?? "node", [entry, "--version"], { cwd: project, env: cleanEnv() })
      if (major < 22 || (major === 22 && minor < 19)) {
        assert.strictEqual(result.code, 1)
        assert.strictEqual(result.stdout, "")
        assert.match(result.stderr, /^syncflow: needs Node\.js >= 22\.19, but this is v\d+\.\d+\.\d+ \(.+\)\n$/)
      } else {
        // This machine's Node is recent enough: it runs the binary.
        assert.include(ok("syncflow on the system Node", result), "0.1.0")
      }
    })

    it.effect("`syncflow serve` (as `npx syncflow serve`: embedded PostgreSQL) answers /api/v1/health", () =>
      Effect.gen(function* () {
        const dataDir = join(project, ".data")
        const output: Array<string> = []
        const child = yield* Effect.acquireRelease(
          Effect.sync(() =>
            spawn(installedBin(), ["serve"], {
              cwd: project,
              env: cleanEnv({ PORT: "0", SYNCFLOW_DATA_DIR: dataDir }),
              stdio: ["ignore", "pipe", "pipe"]
            })
          ),
          (child) =>
            Effect.promise(async () => {
              if (child.exitCode === null) child.kill("SIGKILL")
              await exited(child)
            })
        )
        const url = yield* Effect.promise(() => listening(child, output)).pipe(Effect.timeout(Duration.seconds(120)))
        const health = yield* Effect.promise(() => fetch(`${url}/api/v1/health`).then((r) => r.status))
        assert.strictEqual(health, 200)
        const db = yield* Effect.promise(() => fetch(`${url}/api/v1/health/db`).then((r) => r.status))
        assert.strictEqual(db, 200)
        // SIGTERM stops the server and its PostgreSQL.
        child.kill("SIGTERM")
        yield* Effect.promise(() => exited(child)).pipe(Effect.timeout(Duration.seconds(60)))
        assert.isFalse(existsSync(join(dataDir, "postgres", "postmaster.pid")))
      }).pipe(Effect.scoped)
    )

    it.effect(
      "`syncflow connectors add` and `syncflow sync` fill tables that match the fake ERP's truth",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeErp.make({ seed: 15, rows: { items: 400, customers: 25, orders: 30 } })
          const env = cleanEnv({
            DATABASE_URL: Redacted.value(yield* PgTest.databaseUrl),
            SYNCFLOW_SECRET_KEY: Redacted.value(secretKey)
          })
          const syncflow = (args: ReadonlyArray<string>) =>
            Effect.promise(() => run(installedBin(), args, { cwd: project, env }))
          const credentials = JSON.stringify({ type: "serviceJwt", secret: Redacted.value(fake.secret) })
          const config = JSON.stringify({ baseUrl: fake.baseUrl })
          const added = yield* syncflow(
            ["connectors", "add", "--adapter", "apismith", "--id", "erp"].concat([
              "--config",
              config,
              "--credentials",
              credentials,
              "ERP"
            ])
          )
          assert.include(ok("connectors add", added), "Created connector erp")
          ok("sync", yield* syncflow(["sync", "erp", "--json"]))
          const sql = yield* SqlClient.SqlClient
          for (const entity of ["items", "customers", "orders", "order_lines"]) {
            const [row] = yield* sql.unsafe<{ readonly n: number }>(
              `SELECT count(*)::int AS n FROM erp."${entity}" WHERE NOT _deleted`
            )
            assert.strictEqual(row?.n, fake.groundTruth.count(entity), entity)
          }
        }).pipe(Effect.scoped),
      120_000
    )
  })
})
