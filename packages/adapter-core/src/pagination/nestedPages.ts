/**
 * A listing of child records that exist only under a parent (household memberships live under
 * households, a repository's issues under the repository): the parents are listed page by page, and
 * each parent's children page by page. The position — parent page, parent index, child page — is
 * one resumable cursor (a `Token` holding it as JSON), so a sync resumes inside a parent as well as
 * between them.
 */
import { Effect, Option, Schema, Stream } from "effect"
import { type AdapterError, InvalidRequest } from "../errors/AdapterError.ts"
import * as Cursor from "./Cursor.ts"
import type { Page } from "./Page.ts"

/** Where a nested listing is. */
const Position = Schema.Struct({
  /** The cursor of the page of parents being read. */
  parent: Cursor.Cursor,
  /** The parent being read, by its index on that page. */
  index: Schema.Int,
  /** The cursor of that parent's next page of children. */
  child: Cursor.Cursor
})
type Position = typeof Position.Type

const PositionJson = Schema.fromJsonString(Position)
const encodePosition = Schema.encodeSync(PositionJson)
const decodePosition = Schema.decodeUnknownEffect(PositionJson)

const toCursor = (position: Position): Cursor.Cursor => ({ _tag: "Token", token: encodePosition(position) })

const startPosition: Position = { parent: Cursor.start, index: 0, child: Cursor.start }

/** The options of {@link nestedPages}. */
export interface NestedPagesOptions<P, PB, C, CB> {
  /** The endpoint named in errors. */
  readonly endpoint: string
  /** Resume from a cursor a previous page of this listing gave. */
  readonly from: Cursor.Cursor | undefined
  /** The page of parents at a cursor. */
  readonly parents: (cursor: Cursor.Cursor) => Effect.Effect<Page<P, PB>, AdapterError>
  /** Whether a parent has children worth a request. */
  readonly hasChildren: (parent: P) => boolean
  /** The page of a parent's children at a cursor. */
  readonly children: (parent: P, cursor: Cursor.Cursor) => Effect.Effect<Page<C, CB>, AdapterError>
}

interface State<P, PB> {
  readonly position: Position
  /** The parents page at `position.parent`, once read. */
  readonly parents: Page<P, PB> | undefined
  /** Pages emitted so far. */
  readonly emitted: number
  /** Whether the last emitted page promised a next one. */
  readonly promised: boolean
}

/** The children of every parent, one page of children per emitted page, resumable at every page. */
export const nestedPages = <P, PB, C, CB>(
  options: NestedPagesOptions<P, PB, C, CB>
): Stream.Stream<Page<C, CB | undefined>, AdapterError> => {
  const from = options.from
  const initial: Effect.Effect<Position, InvalidRequest> =
    from === undefined || from._tag === "Start"
      ? Effect.succeed(startPosition)
      : from._tag === "Token"
        ? decodePosition(from.token).pipe(
            Effect.mapError(
              () =>
                new InvalidRequest({ endpoint: options.endpoint, message: "the cursor is not one of this listing's" })
            )
          )
        : Effect.fail(
            new InvalidRequest({ endpoint: options.endpoint, message: "the cursor is not one of this listing's" })
          )

  const step = (state: State<P, PB>) =>
    Effect.gen(function* () {
      const { position } = state
      const parents = state.parents ?? (yield* options.parents(position.parent))
      const parent = parents.items[position.index]
      if (parent === undefined) {
        if (parents.next === undefined) {
          // The end. If the last page promised more, close the listing with an empty final page.
          const final: Page<C, CB | undefined> = {
            items: [],
            cursor: toCursor(position),
            next: undefined,
            body: undefined,
            index: state.emitted
          }
          return [state.promised ? [final] : [], Option.none<State<P, PB>>()] as const
        }
        const next: State<P, PB> = {
          ...state,
          position: { parent: parents.next, index: 0, child: Cursor.start },
          parents: undefined
        }
        return [[], Option.some(next)] as const
      }
      if (!options.hasChildren(parent)) {
        return [
          [],
          Option.some({ ...state, parents, position: { ...position, index: position.index + 1, child: Cursor.start } })
        ] as const
      }
      const children = yield* options.children(parent, position.child)
      const after: Position =
        children.next === undefined
          ? { parent: position.parent, index: position.index + 1, child: Cursor.start }
          : { ...position, child: children.next }
      const last =
        children.next === undefined &&
        parents.next === undefined &&
        parents.items.slice(position.index + 1).every((p) => !options.hasChildren(p))
      const page: Page<C, CB | undefined> = {
        items: children.items,
        cursor: toCursor(position),
        next: last ? undefined : toCursor(after),
        body: children.body,
        index: state.emitted
      }
      const next: State<P, PB> = { position: after, parents, emitted: state.emitted + 1, promised: !last }
      return [[page], last ? Option.none<State<P, PB>>() : Option.some(next)] as const
    })

  return Stream.unwrap(
    Effect.map(initial, (position) =>
      Stream.paginate<State<P, PB>, Page<C, CB | undefined>, AdapterError, never>(
        { position, parents: undefined, emitted: 0, promised: false },
        step
      )
    )
  )
}
