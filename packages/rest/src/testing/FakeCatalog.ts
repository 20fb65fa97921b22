/**
 * A small product-catalog API on loopback HTTP whose data a test changes between syncs: items as
 * `{items: [...], total_pages}` paged with `page`/`per_page`, sorted by id. The test inserts,
 * updates and deletes items, and can set any field to any JSON value — blank text, a value of
 * another type, a new field, a record without its key — to see what a sync does with it; it can
 * put a stray element (not an object) in the array after an item, and hold the answer to a page
 * until the test releases it (to kill a sync while it waits). The items it serves are the ground
 * truth (strays are not items).
 */
import { TestServer } from "@syncflow/adapter-core/testing"
import { Deferred, Effect, Latch, type Scope } from "effect"

/** An item as the fake serves it (any field may be changed by the test). */
export type FakeItem = Record<string, unknown>

/** Options of the fake. */
export interface FakeCatalogOptions {
  readonly items?: number
  /** The most items a page holds, whatever `per_page` asks (100 by default). */
  readonly maxPerPage?: number
}

/** A page whose answer is held: asked for once `reached` completes, answered after `release`. */
export interface HeldPage {
  readonly reached: Effect.Effect<void>
  readonly release: Effect.Effect<void>
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
  /** Serves `element` (a string, a number, null...) in the array right after item `afterId`; `undefined` removes it. */
  readonly stray: (afterId: number, element: unknown) => void
  /** Holds every answer to `page` (from 1) until released; released anyway when the scope ends. */
  readonly hold: (page: number) => Effect.Effect<HeldPage>
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
  const strays = new Map<number, unknown>()
  const held = new Map<number, { readonly reached: Deferred.Deferred<void>; readonly gate: Latch.Latch }>()
  yield* Effect.addFinalizer(() => Effect.forEach(held.values(), ({ gate }) => Latch.open(gate), { discard: true }))

  const server = yield* TestServer.make((request) =>
    Effect.gen(function* () {
      if (request.url.pathname !== "/items") return { status: 404, body: { error: "not found" } }
      const perPage = Math.min(options.maxPerPage ?? 100, Number(request.url.searchParams.get("per_page") ?? "10"))
      const page = Number(request.url.searchParams.get("page") ?? "1")
      const hold = held.get(page)
      if (hold !== undefined) {
        yield* Deferred.succeed(hold.reached, undefined)
        yield* hold.gate.await
      }
      const all = [...items.values()].sort((a, b) => Number(a.id) - Number(b.id))
      const elements = all
        .slice((page - 1) * perPage, page * perPage)
        .flatMap((item): Array<unknown> => (strays.has(Number(item.id)) ? [item, strays.get(Number(item.id))] : [item]))
      const response: TestServer.TestResponse = {
        body: { items: elements, total_pages: Math.max(1, Math.ceil(all.length / perPage)) }
      }
      return response
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
    stray: (afterId, element) => {
      if (element === undefined) strays.delete(afterId)
      else strays.set(afterId, element)
    },
    hold: (page) =>
      Effect.gen(function* () {
        const reached = yield* Deferred.make<void>()
        const gate = yield* Latch.make(false)
        held.set(page, { reached, gate })
        const heldPage: HeldPage = { reached: Deferred.await(reached), release: Latch.open(gate).pipe(Effect.asVoid) }
        return heldPage
      }),
    requests: server.requests
  }
})
