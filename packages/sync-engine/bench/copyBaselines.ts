/**
 * The database's own baselines for the sync benchmark (`sync.ts`), on the rows the initial sync
 * wrote: the raw `COPY` of them into an identical, indexed table, and the floor of an initial load
 * (`COPY` into the same table without any index, then building its indexes: the primary key and
 * the unique business-key hash). Both stream the rows out of the synced table while they are loaded,
 * over two connections. Not a test.
 */
import { readFileSync } from "node:fs"
import { pipeline } from "node:stream/promises"
import pg from "pg"
import { from as copyFrom, to as copyTo } from "pg-copy-streams"

/**
 * What a baseline measured: its total time and, for the floor, the part spent building indexes;
 * and the CPU time of the loading backend (its whole life, from `/proc`; parallel index-build
 * workers not counted), when it could be read.
 */
export interface BaselineTimes {
  readonly ms: number
  readonly indexMs: number
  readonly postgresMs: number | undefined
}

/** The CPU time (ms) of the backend of `client`, from `/proc` (a server on this machine). */
const backendCpuMs = async (client: pg.Client): Promise<number | undefined> => {
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")
    const fields = readFileSync(`/proc/${rows[0]?.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? ticks * 10 : undefined
  } catch {
    return undefined
  }
}

/** The synced table's indexes as `CREATE INDEX` statements on `table` (index names suffixed). */
const indexStatements = async (client: pg.Client, schema: string, from: string, table: string) => {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
    [schema, from]
  )
  return rows.map(({ indexname, indexdef }) =>
    indexdef
      .replace(`INDEX ${indexname} ON`, `INDEX ${indexname}_${table} ON`)
      .replace(`INDEX "${indexname}" ON`, `INDEX "${indexname}_${table}" ON`)
      .replace(` ON ${schema}.${from} `, ` ON ${schema}.${table} `)
  )
}

/**
 * Copies `schema.from` into a new `schema.<table>` created by `create` (a `LIKE` clause), building
 * `indexes` after the load when asked, and drops it again: the time of the load and of the build.
 */
const copyInto = async (
  url: string,
  schema: string,
  from: string,
  table: string,
  like: string,
  indexAfter: boolean
) => {
  const source = new pg.Client({ connectionString: url })
  const target = new pg.Client({ connectionString: url })
  await source.connect()
  await target.connect()
  try {
    const indexes = indexAfter ? await indexStatements(target, schema, from, table) : []
    await target.query(`CREATE TABLE ${schema}.${table} (LIKE ${schema}.${from} ${like})`)
    const started = performance.now()
    await pipeline(
      source.query(copyTo(`COPY ${schema}.${from} TO STDOUT`)),
      target.query(copyFrom(`COPY ${schema}.${table} FROM STDIN`))
    )
    const loaded = performance.now()
    for (const statement of indexes) await target.query(statement)
    const ended = performance.now()
    return { ms: ended - started, indexMs: ended - loaded, postgresMs: await backendCpuMs(target) }
  } finally {
    await target.query(`DROP TABLE IF EXISTS ${schema}.${table}`)
    await source.end()
    await target.end()
  }
}

/** Raw `COPY` of `schema.from`'s rows into an identical table that has its indexes from the start. */
export const indexedCopy = (url: string, schema: string, from: string): Promise<BaselineTimes> =>
  copyInto(url, schema, from, `${from}_copy`, "INCLUDING DEFAULTS INCLUDING INDEXES", false)

/** The floor: `COPY` into the same table with no index, then `CREATE` its indexes. */
export const copyThenIndex = (url: string, schema: string, from: string): Promise<BaselineTimes> =>
  copyInto(url, schema, from, `${from}_floor`, "INCLUDING DEFAULTS", true)
