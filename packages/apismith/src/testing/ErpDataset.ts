/**
 * The fake ERP's data, without HTTP: a deterministic, seeded dataset of several entities generated
 * on the fly (rows are a pure function of seed, entity, row index and mutation state), mutable
 * between runs, rendered page by page as APISmith's JSON, and readable as ground truth (the rows'
 * clean form). `FakeErp` serves it over HTTP; benchmarks and tests can also use it directly.
 */
import type { DeltaStrategy } from "@syncflow/adapter-core"
import { fromEpochSeconds } from "../rows/RowVersion.ts"
import type { CleanKeyValue, CleanRow, CleanValue } from "./CleanRow.ts"
import {
  currentColumns,
  type EntityState,
  indicesAt,
  type Listing,
  listing,
  type Mutation,
  makeEntityState,
  mutate,
  newestVersion,
  originalSecond,
  stateSize,
  versionOf
} from "./dataset/EntityState.ts"
import { hash2, hash3, hashText } from "./dataset/ErpHash.ts"
import type { FakeColumn, RowContext } from "./dataset/FakeColumn.ts"
import { makeRowContext, rendererOf } from "./dataset/FakeColumn.ts"
import { type EntitySizes, MUTATION_EPOCH, makeEntities } from "./dataset/FakeEntities.ts"
import type { PublishedNames } from "./dataset/PublishedNames.ts"

/** What a mutation asks for (insert, update, touch, delete N rows; add or retype a column; same second). */
export type { Mutation } from "./dataset/EntityState.ts"
/** Names published instead of the fake's own, and a preset of non-identifier names. */
export { NON_IDENTIFIER_NAMES, type PublishedNames } from "./dataset/PublishedNames.ts"

/** How to generate a dataset. */
export interface ErpDatasetOptions {
  /** The seed every value derives from; 1 by default. */
  readonly seed?: number | undefined
  /**
   * Original rows per entity: `items` (1,000 by default; up to 2^32), `customers` (200), `orders`
   * (300). Order lines follow from orders (1-6 per order, about 3.5 on average); units are 8.
   */
  readonly rows?: Partial<EntitySizes> | undefined
  /**
   * Slugs and column names to publish instead of the fake's own lowercase identifiers (e.g.
   * `NON_IDENTIFIER_NAMES`): metadata, rows' data and the data endpoint's path use them; the
   * dataset's methods and the ground truth keep the fake's own names. None by default.
   */
  readonly publishedNames?: PublishedNames | undefined
}

/** The default sizes. */
export const DEFAULT_SIZES: EntitySizes = { items: 1000, customers: 200, orders: 300 }

/** One column of an API's metadata, as `GET /api/v1/apis` serves it. */
export interface ColumnMetadata {
  readonly name: string
  readonly data_type: string
  readonly is_nullable: boolean
  readonly is_business_key: boolean
}

/** One API's metadata, as `GET /api/v1/apis` serves it. */
export interface ApiMetadata {
  readonly slug: string
  readonly name: string
  readonly description: string
  readonly columns: ReadonlyArray<ColumnMetadata>
  readonly business_key_columns: ReadonlyArray<string>
  readonly delta_strategy: DeltaStrategy
  readonly parent: { readonly slug: string; readonly foreign_key_columns: ReadonlyArray<string> } | null
}

/** Which page to render. */
export interface PageRequest {
  /** From 1. */
  readonly page: number
  /** Rows per page (the server caps it before asking). */
  readonly pageSize: number
  /** Only rows whose version is strictly greater (`YYYYMMDDHH24MISS`). */
  readonly rowversionGt?: string | undefined
}

/** A rendered page: the response body and what it holds. */
export interface RenderedPage {
  /** `{"rows":[...],"page":p,"page_size":s,"has_more":b}`. */
  readonly body: string
  readonly rows: number
  readonly hasMore: boolean
}

/** The Oracle keys of a row, as `oracle_keys` carries them. */
export type OracleKeys = Readonly<Record<string, CleanKeyValue>>

/** What a mutation did, by the rows' Oracle keys. */
export interface MutationReport {
  readonly entity: string
  /** The row version the inserted, updated and touched rows now have. */
  readonly rowVersion: string
  readonly inserted: ReadonlyArray<OracleKeys>
  readonly updated: ReadonlyArray<OracleKeys>
  readonly touched: ReadonlyArray<OracleKeys>
  readonly deleted: ReadonlyArray<OracleKeys>
  /** The column the mutation added, if it added one. */
  readonly addedColumn: string | undefined
  /** The column the mutation retyped to text, if it retyped one. */
  readonly retypedColumn: string | undefined
}

/** The dataset. Every method throws a `RangeError` for an unknown slug. */
export interface ErpDataset {
  readonly seed: number
  /** The entities' slugs, parents before children. */
  readonly slugs: ReadonlyArray<string>
  /** Whether a slug is one of the entities. */
  readonly has: (slug: string) => boolean
  /** The entity published under a slug (see `publishedNames`), or `undefined`. */
  readonly entityPublishedAs: (publishedSlug: string) => string | undefined
  /** Every API's metadata as served now (columns added by mutations included). */
  readonly metadata: () => ReadonlyArray<ApiMetadata>
  /** Renders one page of an entity's listing. */
  readonly renderPage: (slug: string, request: PageRequest) => RenderedPage
  /** How many rows the listing has (those past `rowversionGt` when given). */
  readonly count: (slug: string, rowversionGt?: string) => number
  /** The clean rows in listing order, computed one at a time (see `CleanRow`). */
  readonly cleanRows: (
    slug: string,
    options?: { readonly rowversionGt?: string | undefined }
  ) => IterableIterator<CleanRow>
  /** Changes an entity between runs (see `Mutation`) and reports which rows changed. */
  readonly mutate: (slug: string, mutation: Mutation) => MutationReport
  /** The newest row version of an entity. */
  readonly newestRowVersion: (slug: string) => string
  /** How many rows mutations keep in memory for an entity (0 until it is mutated). */
  readonly stateSize: (slug: string) => number
  /** How many rows have been rendered as JSON so far (all entities). */
  readonly rowsRendered: () => number
}

interface Entry {
  readonly state: EntityState
  readonly seed: number
}

interface RenderPlan {
  readonly columns: ReadonlyArray<FakeColumn>
  /**
   * Each column's renderer of `"name":<json>` (after a comma but for the first), in a plain array:
   * one shape for the hot loop, not one per column kind.
   */
  readonly renderers: ReadonlyArray<(row: RowContext) => string>
  readonly keyPrefixes: ReadonlyArray<string>
  readonly keyValues: ReadonlyArray<(row: RowContext) => CleanKeyValue>
}

/** Builds a dataset. */
export const makeErpDataset = (options: ErpDatasetOptions = {}): ErpDataset => {
  const seed = (options.seed ?? 1) >>> 0
  const sizes: EntitySizes = { ...DEFAULT_SIZES, ...options.rows }
  for (const [name, size] of Object.entries(sizes)) {
    if (!Number.isInteger(size) || size < 0 || size > 2 ** 32) {
      throw new RangeError(`ErpDataset: rows.${name} must be an integer from 0 to 2^32, got ${size}`)
    }
  }
  const entries = new Map<string, Entry>()
  for (const entity of makeEntities(seed, sizes)) {
    entries.set(entity.slug, {
      state: makeEntityState(entity, MUTATION_EPOCH),
      seed: hash2(seed, hashText(entity.slug))
    })
  }
  const published = options.publishedNames ?? {}
  const slugOut = (slug: string): string => published.slugs?.[slug] ?? slug
  const columnOut = (slug: string, column: string): string => published.columns?.[slug]?.[column] ?? column
  const entitiesByPublishedSlug = new Map(Array.from(entries.keys(), (slug) => [slugOut(slug), slug]))
  let sequence = 0
  let second = MUTATION_EPOCH - 1
  let rendered = 0

  const entry = (slug: string): Entry => {
    const found = entries.get(slug)
    if (found === undefined) throw new RangeError(`ErpDataset: no entity ${JSON.stringify(slug)}`)
    return found
  }

  const declared = (state: EntityState): ReadonlyArray<FakeColumn> => currentColumns(state).filter((c) => c.declared)

  const plans = new Map<string, RenderPlan>()
  const planOf = (state: EntityState): RenderPlan => {
    const cached = plans.get(state.entity.slug)
    if (cached !== undefined) return cached
    const columns = currentColumns(state)
    const plan: RenderPlan = {
      columns,
      renderers: columns.map((c, i) =>
        rendererOf(c, `${i === 0 ? "" : ","}${JSON.stringify(columnOut(state.entity.slug, c.name))}:`)
      ),
      keyPrefixes: state.entity.keys.map((k, i) => `${i === 0 ? "" : ","}${JSON.stringify(k.oracle)}:`),
      keyValues: state.entity.keys.map((k) => k.value)
    }
    plans.set(state.entity.slug, plan)
    return plan
  }

  /** Fills the row context of a row; returns its version when a mutation set one. */
  const fill = (found: Entry, row: RowContext, index: number): string | undefined => {
    const override = found.state.overrides.get(index)
    row.index = index
    row.revision = override?.revision ?? 0
    row.changedAt = override?.changedAt ?? -1
    row.h = hash3(found.seed, index, row.revision)
    found.state.entity.prepare?.(row)
    return override?.version
  }

  const keysOf = (state: EntityState, row: RowContext): Record<string, CleanKeyValue> => {
    const keys: Record<string, CleanKeyValue> = {}
    for (const key of state.entity.keys) keys[key.oracle] = key.value(row)
    return keys
  }

  const renderPage = (slug: string, request: PageRequest): RenderedPage => {
    const found = entry(slug)
    const state = found.state
    const plan = planOf(state)
    const list = listing(state, request.rowversionGt)
    const offset = (request.page - 1) * request.pageSize
    const indices = offset >= list.total ? [] : indicesAt(state, list, offset, request.pageSize)
    const hasMore = offset + indices.length < list.total
    const row = makeRowContext()
    const { renderers, keyPrefixes, keyValues } = plan
    let cachedSecond = -1
    let cachedVersionPart = ""
    // One growing string: V8 appends to it cheaply and flattens it once, when it is encoded.
    let body = '{"rows":['
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i] ?? 0
      const version = fill(found, row, index)
      let versionPart: string
      if (version === undefined) {
        const s = originalSecond(state, index)
        if (s !== cachedSecond) {
          cachedSecond = s
          cachedVersionPart = `},"row_version":"${fromEpochSeconds(s)}","data":{`
        }
        versionPart = cachedVersionPart
      } else {
        versionPart = `},"row_version":"${version}","data":{`
      }
      body += i === 0 ? '{"oracle_keys":{' : ',{"oracle_keys":{'
      for (let k = 0; k < keyValues.length; k++) {
        const value = (keyValues[k] as (row: RowContext) => CleanKeyValue)(row)
        body += keyPrefixes[k]
        body += typeof value === "number" ? `${value}` : `"${value}"`
      }
      body += versionPart
      for (let c = 0; c < renderers.length; c++) {
        body += (renderers[c] as (row: RowContext) => string)(row)
      }
      body += "}}"
    }
    rendered += indices.length
    body += `],"page":${request.page},"page_size":${request.pageSize},"has_more":${hasMore}}`
    return { body, rows: indices.length, hasMore }
  }

  const cleanRowOf = (found: Entry, row: RowContext, index: number): CleanRow => {
    const state = found.state
    const version = fill(found, row, index) ?? versionOf(state, index)
    const values: Record<string, CleanValue> = {}
    const undeclared: Record<string, CleanValue> = {}
    for (const column of planOf(state).columns) {
      if (column.declared) values[column.name] = column.clean(row)
      else undeclared[column.name] = column.clean(row)
    }
    return { oracleKeys: keysOf(state, row), rowVersion: version, values, undeclared }
  }

  function* cleanRows(
    slug: string,
    options?: { readonly rowversionGt?: string | undefined }
  ): IterableIterator<CleanRow> {
    const found = entry(slug)
    const list: Listing = listing(found.state, options?.rowversionGt)
    const row = makeRowContext()
    for (let offset = 0; offset < list.total; offset += 1000) {
      for (const index of indicesAt(found.state, list, offset, 1000)) yield cleanRowOf(found, row, index)
    }
  }

  const metadataOf = (state: EntityState): ApiMetadata => {
    const entity = state.entity
    const keys = new Set(entity.businessKey)
    const column = (name: string) => columnOut(entity.slug, name)
    return {
      slug: slugOut(entity.slug),
      name: entity.name,
      description: entity.description,
      columns: declared(state).map((c) => ({
        name: column(c.name),
        data_type: c.dataType,
        is_nullable: c.nullable,
        is_business_key: keys.has(c.name)
      })),
      business_key_columns: entity.businessKey.map(column),
      delta_strategy: entity.deltaStrategy,
      parent:
        entity.parent === undefined
          ? null
          : { slug: slugOut(entity.parent.slug), foreign_key_columns: entity.parent.foreignKeyColumns.map(column) }
    }
  }

  const mutateEntity = (slug: string, mutation: Mutation): MutationReport => {
    const found = entry(slug)
    sequence += 1
    if (mutation.sameSecond !== true) second += 1
    const changed = mutate(found.state, mutation, { seed, sequence, second })
    plans.delete(slug)
    const row = makeRowContext()
    const keysAt = (index: number) => {
      fill(found, row, index)
      return keysOf(found.state, row)
    }
    return {
      entity: slug,
      rowVersion: changed.version,
      inserted: changed.inserted.map(keysAt),
      updated: changed.updated.map(keysAt),
      touched: changed.touched.map(keysAt),
      deleted: changed.deleted.map(keysAt),
      addedColumn: changed.addedColumn,
      retypedColumn: changed.retypedColumn
    }
  }

  return {
    seed,
    slugs: Array.from(entries.keys()),
    has: (slug) => entries.has(slug),
    entityPublishedAs: (publishedSlug) => entitiesByPublishedSlug.get(publishedSlug),
    metadata: () => Array.from(entries.values(), (e) => metadataOf(e.state)),
    renderPage,
    count: (slug, rowversionGt) => listing(entry(slug).state, rowversionGt).total,
    cleanRows,
    mutate: mutateEntity,
    newestRowVersion: (slug) => newestVersion(entry(slug).state),
    stateSize: (slug) => stateSize(entry(slug).state),
    rowsRendered: () => rendered
  }
}
