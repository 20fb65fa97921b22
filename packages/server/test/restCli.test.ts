/**
 * The declarative source's commands as a user runs them (real child processes): `syncflow sources
 * check FILE` reads one page of each stream of a document and prints its records and inferred
 * columns, refuses a malformed document with the path and line of each problem, and `syncflow
 * connectors add NAME --adapter rest --config-file FILE` creates a connector from the document, and
 * `syncflow connectors update NAME --config-file FILE` replaces it (refused by line when malformed):
 * the next `syncflow sync` rediscovers and syncs the new stream; the tables equal the fake's.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { FakeGitHub } from "@syncflow/rest/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { ConnectorView } from "../src/api/Views.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

const document = (baseUrl: string) => `title: Issues
baseUrl: ${baseUrl}
auth: { type: bearer }
streams:
  - name: issues
    path: /repos/acme/repo-1/issues
    primaryKey: id
    pageSize: { max: 2 }
    pagination: { style: next-link, next: link-header }
    fields: { author: /user/login }
    exclude: [user, labels]
`

layer(PgTest.layer, { timeout: spawningTimeout, excludeTestServices: true })("syncflow sources", (it) => {
  it.effect(
    "sources check prints records and inferred columns, refuses a bad document by line; connectors add takes the file",
    () =>
      Effect.gen(function* () {
        const github = yield* FakeGitHub.make({ token: "ghp_cli", repositories: 1, issuesPerRepository: 3 })
        const env = yield* cliEnv
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "syncflow-sources-"))),
          (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
        )
        const good = join(dir, "issues.yaml")
        writeFileSync(good, document(github.baseUrl))
        const credentials = join(dir, "token.json")
        writeFileSync(credentials, JSON.stringify({ type: "bearer", token: "ghp_cli" }), { mode: 0o600 })

        const checked = ok(yield* syncflow(["sources", "check", good, "--credentials-file", credentials], env))
        assert.include(checked, "issues: 2 records on the first page")
        assert.include(checked, "columns (inferred from the page):")
        assert.match(checked, /^\s+id\s+integer\s+key$/m)
        assert.match(checked, /^\s+updated_at\s+timestamp$/m)
        assert.match(checked, /^\s+author\s+string$/m)
        assert.include(checked, `"title":"Issue 1 of repo-1"`)
        assert.include(checked, "1 streams read")

        const bad = join(dir, "bad.yaml")
        writeFileSync(
          bad,
          document(github.baseUrl).replace(
            "pagination: { style: next-link, next: link-header }",
            "pagination: { style: scroll }"
          )
        )
        const refused = yield* syncflow(["sources", "check", bad], env)
        assert.strictEqual(refused.code, 1)
        assert.include(refused.stderr, "streams[0].pagination (line 9")
        assert.include(
          refused.stderr,
          "expected a pagination with style none, offset, page-number, cursor or next-link"
        )
        assert.notMatch(refused.stderr, /^\s+at /m, "no stack trace")

        const added = jsonOutput(ConnectorView)(
          ok(
            yield* syncflow(
              [
                "connectors",
                "add",
                "issues",
                "--adapter",
                "rest",
                "--id",
                "gh",
                "--config-file",
                good,
                "--credentials-file",
                credentials,
                "--json"
              ],
              env
            )
          )
        )
        assert.deepInclude(added, { id: "gh", adapter: "rest", hasCredentials: true })
        assert.include(JSON.stringify(added.config), "/repos/acme/repo-1/issues")

        // Synced; then the document is replaced with one that has a second stream: the next sync
        // rediscovers and syncs it, with the stored (sealed) credentials.
        ok(yield* syncflow(["sync", "gh"], env))
        const v2 = join(dir, "issues-v2.yaml")
        writeFileSync(
          v2,
          `${document(github.baseUrl)}  - name: repositories
    path: /orgs/acme/repos
    primaryKey: id
    pagination: { style: next-link, next: link-header }
    select: [id, full_name]
`
        )
        const refusedUpdate = yield* syncflow(["connectors", "update", "gh", "--config-file", bad], env)
        assert.strictEqual(refusedUpdate.code, 1)
        assert.include(refusedUpdate.stderr, "streams[0].pagination (line 9")
        const updated = ok(yield* syncflow(["connectors", "update", "gh", "--config-file", v2], env))
        assert.include(updated, "credentials:    stored (sealed)")
        assert.include(updated, "/orgs/acme/repos")
        assert.notInclude(updated, "ghp_cli")
        const synced = ok(yield* syncflow(["sync", "gh"], env))
        assert.match(synced, /^repositories\s+fetched 1\s+inserted 1/m)
        assert.match(synced, /^issues\s+fetched 3\s+inserted 0\s+updated 0\s+unchanged 3/m)
        const sql = yield* SqlClient.SqlClient
        assert.deepStrictEqual(
          yield* sql<{
            readonly id: string
            readonly full_name: string
          }>`SELECT id::text, full_name FROM gh.repositories`,
          github.repositories.map((repository) => ({ id: String(repository.id), full_name: repository.full_name }))
        )
        assert.deepStrictEqual(
          (yield* sql<{ readonly id: string }>`SELECT id::text FROM gh.issues ORDER BY id`).map((row) => row.id),
          github.repositories.flatMap((repository) => repository.issues.map((issue) => String(issue.id))).sort()
        )
      }).pipe(Effect.scoped),
    spawningTimeout * 5
  )
})
