/**
 * A small product-catalog API on loopback HTTP whose data a test changes between syncs: items as
 * `{items: [...], total_pages}` paged with `page`/`per_page`, sorted by id. The test inserts,
 * updates and deletes items, and can set any field to any JSON value — blank text, a value of
 * another type, a new field, a record without its key — to see what a sync does with it. The
 * items it serves are the ground truth.
 */
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, type Scope } from "effect"

/** An item as the fake serves it (any field may be changed by the test). */
export type FakeItem = Record<string, unknown>

/** Options of the fake. */
export interface FakeCatalogOptions {
  readonly items?: number
}

/** A running fake catalog. */
export interface FakeCatalog {
  readonly baseUrl: string
  /** The ground truth: the items served, by id. */
  readonly items: ReadonlyMap<number, FakeItem>
  /** Adds `n` items; their ids. */
  readonly insert: (n: number) => ReadonlyArray<number>
  /** Sets fields of an item (an edit upstream; `undefined` removes the field). */
  readonly update: (id: number, fields: Readonly<Record<string, unknown>>) => void
  /** Removes items. */
  readonly remove: (ids: ReadonlyArray<number>) => void
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

/** Starts the fake for the life of the scope. */
export const make = Effect.fnUntraced(function* (
  options: FakeCatalogOptions = {}
): Effect.fn.Return<FakeCatalog, never, Scope.Scope> {
  const items = new Map<number, FakeItem>()
  let nextId = 1
  const insert = (n: number) =>
    Array.from({ length: n }, () => {
      const id = nextId++
      items.set(id, {
        id,
        name: `Item ${id}`,
        quantity: (id * 7) % 50,
        price: Number(((id * 13) % 1000) / 10 + 0.25),
        active: id % 3 !== 0,
        note: `note ${id}`,
        updated_at: new Date(Date.UTC(2025, 0, 1, 0, id)).toISOString()
      })
      return id
    })
  insert(options.items ?? 30)

  const server = yield* TestServer.make((request) =>
    Effect.sync((): TestServer.TestResponse => {
      if (request.url.pathname !== "/items") return { status: 404, body: { error: "not found" } }
      const perPage = Math.min(100, Number(request.url.searchParams.get("per_page") ?? "10"))
      const page = Number(request.url.searchParams.get("page") ?? "1")
      const all = [...items.values()].sort((a, b) => Number(a.id) - Number(b.id))
      return {
        body: {
          items: all.slice((page - 1) * perPage, page * perPage),
          total_pages: Math.max(1, Math.ceil(all.length / perPage))
        }
      }
    })
  )
  return {
    baseUrl: server.baseUrl,
    items,
    insert,
    update: (id, fields) => {
      const item = items.get(id)
      if (item === undefined) return
      const changed: FakeItem = { ...item, ...fields }
      for (const [name, value] of Object.entries(fields)) if (value === undefined) delete changed[name]
      items.set(id, changed)
    },
    remove: (ids) => {
      for (const id of ids) items.delete(id)
    },
    requests: server.requests
  }
})
