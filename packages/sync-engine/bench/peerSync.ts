/**
 * The peer of the sync benchmark (`sync.ts` runs it in a process of its own): the script one would
 * write by hand instead of using the engine. It fetches the fake ERP's `items` pages over HTTP
 * (`fetch`, one page after another) and upserts every 10,000 rows with one
 * `INSERT ... SELECT FROM unnest(...) ON CONFLICT (key) DO UPDATE` statement into a table of text
 * columns keyed by the row's Oracle key; the next rows are fetched while a batch is written. No
 * normalization, no hashing, no checkpoints, no failed records: a crash loses its place. Prints
 * `{ "ms": <time from the first request to the last commit>, "rows": <rows written> }`. Not a test.
 *
 * Its columns are the data fields of the first page's rows.
 *
 *   node packages/sync-engine/bench/peerSync.ts <baseUrl> <secret> <databaseUrl>
 */
import { mintServiceJwt } from "@syncflow/adapter-core"
import { ApiSmithCredentials } from "@syncflow/apismith"
import { Effect, Redacted } from "effect"
import pg from "pg"

const [baseUrl = "", secret = "", databaseUrl = ""] = process.argv.slice(2)
const BATCH = 10_000
const PAGE_SIZE = 1000

interface Row {
  readonly oracle_keys: Record<string, unknown>
  readonly row_version: string
  readonly data: Record<string, unknown>
}

const text = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value as string | number | boolean)

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`

/** The upsert of a batch into the peer's table of `columns`. */
const upsertStatement = (columns: ReadonlyArray<string>) => {
  const all = ["_key", "_row_version", ...columns]
  return `INSERT INTO bench.items_peer (${all.map(quoted).join(", ")})
  SELECT * FROM unnest(${all.map((_, i) => `$${i + 1}::text[]`).join(", ")})
  ON CONFLICT (_key) DO UPDATE SET ${all
    .slice(1)
    .map((c) => `${quoted(c)} = EXCLUDED.${quoted(c)}`)
    .join(", ")}`
}

const main = async () => {
  const { token } = await Effect.runPromise(
    mintServiceJwt(ApiSmithCredentials.serviceJwt({ secret: Redacted.make(secret) }))
  )
  const headers = { authorization: `Bearer ${Redacted.value(token)}` }
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  let columns: ReadonlyArray<string> = []
  let statement = ""
  const upsert = (batch: ReadonlyArray<Row>) =>
    client.query(statement, [
      batch.map((row) => Object.values(row.oracle_keys).join("|")),
      batch.map((row) => row.row_version),
      ...columns.map((column) => batch.map((row) => text(row.data[column])))
    ])
  const started = performance.now()
  let written: Promise<unknown> = Promise.resolve()
  let batch: Array<Row> = []
  let count = 0
  for (let page = 1; ; page++) {
    const response = await fetch(`${baseUrl}/api/v1/data/items?page=${page}&page_size=${PAGE_SIZE}`, { headers })
    if (!response.ok) throw new Error(`page ${page}: HTTP ${response.status}`)
    const body = (await response.json()) as { rows: Array<Row>; has_more: boolean }
    if (page === 1) {
      columns = [...new Set(body.rows.flatMap((row) => Object.keys(row.data)))]
      statement = upsertStatement(columns)
      await client.query(
        `CREATE TABLE bench.items_peer (_key text PRIMARY KEY, _row_version text, ${columns.map((c) => `${quoted(c)} text`).join(", ")})`
      )
    }
    batch.push(...body.rows)
    const last = !body.has_more || body.rows.length === 0
    if (batch.length >= BATCH || last) {
      await written
      const full = batch
      count += full.length
      batch = []
      written = full.length === 0 ? Promise.resolve() : upsert(full)
    }
    if (last) break
  }
  await written
  const ms = performance.now() - started
  await client.query("DROP TABLE bench.items_peer")
  await client.end()
  process.stdout.write(`${JSON.stringify({ ms, rows: count })}\n`)
}

await main()
