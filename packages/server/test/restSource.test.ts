/**
 * Declarative REST sources through the server: Planning Center People described as a document and
 * the hand-written `pco` adapter, both created through the API on the same fake and synced to
 * PostgreSQL — the two people tables are equal, and equal the fake's people; the README's GitHub
 * example synced to PostgreSQL equals the fake's repositories and issues, and its incremental
 * sync takes an edited issue; an upstream answering
 * a shape the document did not declare fails that run with the invalid-response error naming the
 * field, and the server goes on.
 */
import { readFileSync } from "node:fs"
import { assert, layer } from "@effect/vitest"
import { FakePco } from "@syncflow/pco/testing"
import { readDocument } from "@syncflow/rest"
import { FakeGitHub, FakeStripe } from "@syncflow/rest/testing"
import { Duration, Effect, Option, Predicate, Redacted, Result } from "effect"
import { SqlClient } from "effect/sql"
import { EntitySyncTriggered } from "../src/api/groups/EntitiesGroup.ts"
import { ConnectorView, ExecutionView } from "../src/api/Views.ts"
import { comparable, comparableRows } from "./comparableRows.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"

/** The README's Planning Center document, pointing at `baseUrl`, as the JSON the API takes. */
const pcoDocument = (baseUrl: string) => {
  const text = readFileSync(new URL("../../rest/examples/pco-people.yaml", import.meta.url), "utf8")
  return Result.getOrThrow(readDocument(text.replace(/^baseUrl: .*$/m, `baseUrl: ${baseUrl}`)))
}

/** Syncs one entity (discovered first unless `discover` is false) and waits for its execution to finish; its (one) run. */
const syncEntity = (connector: string, entity: string, discover = true) =>
  Effect.gen(function* () {
    if (discover) assert.strictEqual((yield* call("POST", `/api/v1/connectors/${connector}/discover`)).status, 200)
    const started = yield* call("POST", `/api/v1/connectors/${connector}/entities/${entity}/sync`)
    assert.strictEqual(started.status, 202, JSON.stringify(started.body))
    const { executionId } = bodyAs(started, EntitySyncTriggered)
    const execution = yield* eventually(
      Effect.map(call("GET", `/api/v1/executions/${executionId}`), (reply) => {
        const found = reply.status === 200 ? bodyAs(reply, ExecutionView) : undefined
        return found !== undefined && found.status !== "running" ? Option.some(found) : Option.none()
      }),
      // A bound on the wait, not on the sync's speed: two cores shared by many test processes.
      Duration.minutes(3)
    )
    const run = execution.runs.find((candidate) => candidate.entity === entity)?.run
    if (run === undefined || run === null) return assert.fail(`the execution of ${entity} has no run`)
    return run
  })

/** A table's rows without the audit columns, by id. */
const rowsOf = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)
  ).pipe(
    Effect.map((rows) =>
      rows.map((row) => Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith("_"))))
    ),
    Effect.orDie
  )

/** The SQL types of a table's columns. */
const columnTypes = (schema: string, table: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql<{ readonly name: string; readonly type: string }>`
      SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
        FROM pg_attribute a WHERE a.attrelid = ${`${schema}.${table}`}::regclass AND a.attnum > 0 AND NOT a.attisdropped`
  ).pipe(
    Effect.map((rows) => Object.fromEntries(rows.map((row) => [row.name, row.type]))),
    Effect.orDie
  )

layer(testServerLayer, { timeout: 240_000, excludeTestServices: true })("declarative REST sources", (it) => {
  it.effect(
    "Planning Center People as a document syncs the same people table as the hand-written adapter",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakePco.make({ people: 140, seed: 17 })
        const credentials = {
          appId: fake.personalAccessToken.username,
          secret: Redacted.value(fake.personalAccessToken.password)
        }
        const handWritten = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "pco_people",
            adapter: "pco",
            name: "PCO (hand-written)",
            config: { baseUrl: fake.baseUrl },
            credentials: { type: "personalAccessToken", ...credentials }
          }
        })
        assert.strictEqual(handWritten.status, 201, JSON.stringify(handWritten.body))
        const declarative = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "rest_people",
            adapter: "rest",
            name: "PCO (document)",
            config: pcoDocument(fake.baseUrl),
            credentials: { type: "basic", username: credentials.appId, password: credentials.secret }
          }
        })
        assert.strictEqual(declarative.status, 201, JSON.stringify(declarative.body))
        // Only people: the hand-written adapter's other entities stay off.
        yield* call("POST", "/api/v1/connectors/pco_people/discover")
        const runs = [yield* syncEntity("pco_people", "person"), yield* syncEntity("rest_people", "person")]
        for (const run of runs) assert.strictEqual(run.status, "succeeded", run.error ?? "")
        const byDocument = yield* rowsOf("rest_people.person")
        const byAdapter = yield* rowsOf("pco_people.person")
        assert.strictEqual(byDocument.length, 140)
        // The document's table is typed from the columns `sources check` infers (dates, times,
        // booleans, integers); the hand-written adapter's from the engine's own inference: row for
        // row, field for field, the values are the same.
        // The cursor field updated_at is a column of the document's table (it has columns); the
        // hand-written adapter's undeclared entity keeps it in its audit column only.
        const fields = [...new Set([...Object.keys(byDocument[0] ?? {}), ...Object.keys(byAdapter[0] ?? {})])].filter(
          (field) => field !== "updated_at"
        )
        // The same columns, each compared below value for value — but for the fields no person of
        // the fake has a value for (given_name, medical_notes): the document's sample declares them,
        // while the engine adds a column for a field of an undeclared entity once it has a value.
        const documentColumns = Object.keys(byDocument[0] ?? {}).filter((field) => field !== "updated_at")
        const adapterColumns = Object.keys(byAdapter[0] ?? {})
        assert.includeMembers(documentColumns, adapterColumns)
        const onlyDocument = documentColumns.filter((field) => !adapterColumns.includes(field))
        for (const field of onlyDocument) {
          assert.isTrue(
            byDocument.every((row) => row[field] === null),
            `${field} is null in every row`
          )
        }
        assert.deepStrictEqual(onlyDocument.sort(), ["given_name", "medical_notes"])
        assert.deepStrictEqual(comparableRows(byDocument, fields), comparableRows(byAdapter, fields))
        const types = yield* columnTypes("rest_people", "person")
        assert.deepInclude(types, {
          id: "text",
          birthdate: "date",
          created_at: "timestamp with time zone",
          child: "boolean"
        })
        assert.deepStrictEqual(
          byDocument.map((row) => String(row.id)),
          [...fake.truth.ids("Person")].sort()
        )
        for (const row of byDocument) {
          const truth = fake.truth.get("Person", String(row.id))?.attributes
          assert.strictEqual(row.first_name, truth?.first_name)
          assert.strictEqual(row.last_name, truth?.last_name)
          assert.strictEqual(comparable(row.updated_at), comparable(truth?.updated_at))
        }
      }).pipe(Effect.scoped),
    240_000
  )

  it.effect(
    "an answer of an undeclared shape fails the run with the field named; the server goes on",
    () =>
      Effect.gen(function* () {
        const stripe = yield* FakeStripe.make({ customers: 8 })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "stripe",
            adapter: "rest",
            name: "Stripe",
            config: {
              baseUrl: stripe.baseUrl,
              auth: { type: "bearer" },
              streams: [
                {
                  name: "customers",
                  path: "/v1/customers",
                  records: "data",
                  primaryKey: "id",
                  pagination: {
                    style: "cursor",
                    tokenParam: "starting_after",
                    token: { lastRecord: "id" },
                    hasMore: "has_more"
                  }
                }
              ]
            },
            credentials: { type: "bearer", token: "sk_test" }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/stripe/discover")).status, 200)
        stripe.breakShape(true)
        const failed = yield* syncEntity("stripe", "customers", false)
        assert.strictEqual(failed.status, "failed")
        assert.include(failed.error ?? "", "InvalidResponse")
        assert.include(failed.error ?? "", "data: Expected array")
        stripe.breakShape(false)
        const succeeded = yield* syncEntity("stripe", "customers", false)
        assert.strictEqual(succeeded.status, "succeeded", succeeded.error ?? "")
        assert.strictEqual((yield* rowsOf("stripe.customers")).length, 8)
        // A document that does not decode is refused with the field named.
        const refused = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "broken",
            adapter: "rest",
            name: "Broken",
            config: {
              baseUrl: stripe.baseUrl,
              streams: [{ name: "x", path: "/x", primaryKey: "id", pagination: { style: "scroll" } }]
            },
            credentials: { type: "bearer", token: "t" }
          }
        })
        assert.strictEqual(refused.status, 400)
        assert.deepInclude(refused.body, { field: "config.streams.0.pagination" })
      }).pipe(Effect.scoped),
    240_000
  )

  it.effect(
    "the API takes the document's text (YAML) as the CLI does; a mistake is a 400 naming the document's line",
    () =>
      Effect.gen(function* () {
        const stripe = yield* FakeStripe.make({ customers: 12 })
        const text = readFileSync(new URL("../../rest/examples/stripe.yaml", import.meta.url), "utf8").replace(
          /^baseUrl: .*$/m,
          `baseUrl: ${stripe.baseUrl}`
        )
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "stripe_text",
            adapter: "rest",
            name: "Stripe (text)",
            config: { document: text },
            credentials: { type: "bearer", token: "sk_test" }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        // Stored as the decoded document.
        assert.deepInclude(bodyAs(created, ConnectorView).config, { title: "Stripe customers" })
        const run = yield* syncEntity("stripe_text", "customers")
        assert.strictEqual(run.status, "succeeded", run.error ?? "")
        assert.deepStrictEqual(
          (yield* rowsOf("stripe_text.customers")).map((row) => [row.id, row.email, row.address_city]),
          [...stripe.customers]
            .sort((a, b) => a.id.localeCompare(b.id))
            .map((customer) => [customer.id, customer.email, customer.address.city])
        )
        const refused = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "stripe_bad",
            adapter: "rest",
            name: "Stripe (bad)",
            config: { document: text.replace("style: cursor", "style: scroll") },
            credentials: { type: "bearer", token: "sk_test" }
          }
        })
        assert.strictEqual(refused.status, 400)
        assert.include(refused.headers.get("content-type") ?? "", "application/problem+json")
        assert.deepInclude(refused.body, { field: "config.document" })
        assert.match(
          String(Predicate.isObject(refused.body) ? refused.body.detail : ""),
          /streams\[0\]\.pagination \(line 14, column \d+\): expected a pagination with style/
        )
      }).pipe(Effect.scoped),
    240_000
  )

  it.effect(
    "the README's GitHub example synced to PostgreSQL equals the fake's repositories and issues, incrementally too",
    () =>
      Effect.gen(function* () {
        const github = yield* FakeGitHub.make({ token: "ghp_example", repositories: 3, issuesPerRepository: 5 })
        const text = readFileSync(new URL("../../rest/examples/github.yaml", import.meta.url), "utf8").replace(
          /^baseUrl: .*$/m,
          `baseUrl: ${github.baseUrl}`
        )
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "github_example",
            adapter: "rest",
            name: "GitHub (README example)",
            config: { document: text },
            credentials: { type: "bearer", token: "ghp_example" }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        for (const [entity, discover] of [
          ["repositories", true],
          ["issues", false]
        ] as const) {
          const run = yield* syncEntity("github_example", entity, discover)
          assert.strictEqual(run.status, "succeeded", run.error ?? "")
        }
        assert.deepStrictEqual(
          comparableRows(yield* rowsOf("github_example.repositories"), ["id", "name", "full_name", "owner_login"]),
          comparableRows(
            github.repositories.map((repository) => ({ ...repository, owner_login: repository.owner.login })),
            ["id", "name", "full_name", "owner_login"]
          )
        )
        // repositories_id: the repository's key, each issue's foreign key to its repository's row.
        const issueFields = [
          "id",
          "repositories_id",
          "owner",
          "repo",
          "number",
          "title",
          "state",
          "author",
          "updated_at"
        ]
        const truthIssues = () =>
          github.repositories
            .flatMap((repository) =>
              repository.issues.map((issue) => ({
                ...issue,
                owner: repository.owner.login,
                repo: repository.name,
                repositories_id: repository.id,
                author: issue.user.login
              }))
            )
            .sort((a, b) => a.id - b.id)
        assert.deepStrictEqual(
          comparableRows(yield* rowsOf("github_example.issues"), issueFields),
          comparableRows(truthIssues(), issueFields)
        )
        // An edit upstream: the incremental sync asks with since and updates that issue only.
        const [first] = github.repositories
        const edited = first?.issues[2]?.id ?? 0
        github.edit(edited, "Edited upstream", "2030-01-01T00:00:00Z")
        const incremental = yield* syncEntity("github_example", "issues", false)
        assert.strictEqual(incremental.status, "succeeded", incremental.error ?? "")
        assert.deepInclude(incremental.counts, { updated: 1, inserted: 0, failed: 0 })
        assert.deepStrictEqual(
          comparableRows(yield* rowsOf("github_example.issues"), issueFields),
          comparableRows(truthIssues(), issueFields)
        )
      }).pipe(Effect.scoped),
    240_000
  )
})
