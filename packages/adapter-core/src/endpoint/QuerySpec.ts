/**
 * What a list endpoint lets a caller ask for: which fields it filters on, which it orders by,
 * which related records it can side-load, and how big a page may be.
 */

/** The query capabilities of a list endpoint, declared in its definition. */
export interface QuerySpec<
  Filter extends string = string,
  Order extends string = string,
  Include extends string = string
> {
  readonly filterable?: ReadonlyArray<Filter>
  readonly orderable?: ReadonlyArray<Order>
  readonly includes?: ReadonlyArray<Include>
  /** The page size the upstream allows (`max`) and the one to use when the caller names none. */
  readonly pageSize?: { readonly max: number; readonly default?: number }
}

/** A filter value: equality, or comparison operators. */
export type FilterValue =
  | string
  | number
  | boolean
  | {
      readonly eq?: string | number
      readonly gt?: string | number
      readonly gte?: string | number
      readonly lt?: string | number
      readonly lte?: string | number
    }

/** What a caller asks of a list endpoint, typed by the endpoint's {@link QuerySpec}. */
export interface ListOptions<
  Filter extends string = string,
  Order extends string = string,
  Include extends string = string
> {
  readonly filter?: { readonly [K in Filter]?: FilterValue }
  /** A field to order by; prefix with `-` for descending. */
  readonly order?: Order | `-${Order}`
  readonly include?: ReadonlyArray<Include>
  readonly pageSize?: number
}

/** The filterable field names of a spec. */
export type FilterOf<Q> = Q extends QuerySpec<infer F, string, string> ? F : never
/** The orderable field names of a spec. */
export type OrderOf<Q> = Q extends QuerySpec<string, infer O, string> ? O : never
/** The includable relation names of a spec. */
export type IncludeOf<Q> = Q extends QuerySpec<string, string, infer I> ? I : never

/** The page size to request: the caller's, else the spec's default, capped at the spec's maximum. */
export const effectivePageSize = (spec: QuerySpec | undefined, requested: number | undefined): number => {
  const max = spec?.pageSize?.max ?? 100
  const wanted = requested ?? spec?.pageSize?.default ?? max
  return Math.max(1, Math.min(max, Math.floor(wanted)))
}
