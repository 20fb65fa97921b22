/**
 * Composes endpoint definitions into an `effect/http-api` `HttpApi`, one group per module, so the
 * same definitions give a typed `HttpApiClient`, a fake server's routes, and OpenAPI docs.
 */
import { HttpApi, HttpApiGroup } from "effect/http-api"
import type { AnyEndpointDefinition } from "./EndpointDefinition.ts"

/** The `HttpApiGroup`s of a list of definitions: one per module, holding that module's endpoints. */
export type GroupsOf<Defs extends ReadonlyArray<AnyEndpointDefinition>> = {
  readonly [M in Defs[number]["module"]]: HttpApiGroup.HttpApiGroup<
    M,
    Extract<Defs[number], { readonly module: M }>["endpoint"]
  >
}[Defs[number]["module"]]

/** The `HttpApi` of a list of definitions. */
export type ApiOf<Id extends string, Defs extends ReadonlyArray<AnyEndpointDefinition>> = HttpApi.HttpApi<
  Id,
  GroupsOf<Defs>
>

/** Builds the `HttpApi` named `id` from endpoint definitions, grouping them by module. */
export const makeApi = <const Id extends string, const Defs extends ReadonlyArray<AnyEndpointDefinition>>(
  id: Id,
  definitions: Defs
): ApiOf<Id, Defs> => {
  const modules = new Map<string, Array<AnyEndpointDefinition["endpoint"]>>()
  for (const definition of definitions) {
    modules.set(definition.module, [...(modules.get(definition.module) ?? []), definition.endpoint])
  }
  const groups = Array.from(modules, ([module, [first, ...rest]]) =>
    first === undefined ? HttpApiGroup.make(module) : HttpApiGroup.make(module).add(first, ...rest)
  )
  const [firstGroup, ...otherGroups] = groups
  const api = firstGroup === undefined ? HttpApi.make(id) : HttpApi.make(id).add(firstGroup, ...otherGroups)
  // Built from the definitions one module at a time, the value has exactly the declared shape;
  // TypeScript cannot follow a grouping done at run time, so it is stated here.
  return api as unknown as ApiOf<Id, Defs>
}
