/**
 * The APISmith HTTP API as one `effect/http-api` `HttpApi`, composed from its endpoint definitions.
 */
import { makeApi } from "@syncflow/adapter-core"
import { GetHealth } from "./GetHealth.ts"
import { ListApis } from "./ListApis.ts"
import { ListData } from "./ListData.ts"

/** APISmith's API: discovery (`apis.list`), data (`data.list`) and health (`health.get`). */
export const ApiSmithApi = makeApi("apismith", [ListApis, ListData, GetHealth])
