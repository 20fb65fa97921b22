/**
 * The services a declarative source runs on in tests: a real HTTP client (Node's), tokens in
 * memory, in-process rate-limit budgets and circuit breakers — as a server provides them.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { type Adapter, AdapterHttp, type Credentials, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { Effect, Layer, Result, Stream } from "effect"
import { compileSource } from "../../src/compile/compileSource.ts"
import { readDocument } from "../../src/document/readDocument.ts"
import * as RestAdapter from "../../src/RestAdapter.ts"

/** TokenManager, rate limits, circuit breakers and an HTTP client. */
export const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

/** The running source of a document's text (which must be valid). */
export const sourceOf = (text: string, credentials?: Credentials, connectionId = "test") =>
  Effect.gen(function* () {
    const document = readDocument(text)
    if (Result.isFailure(document)) return yield* Effect.die(document.failure.message)
    return yield* RestAdapter.make(compileSource(document.success), { connectionId, credentials })
  })

/** Every record of an entity, page after page. */
export const allRecords = (adapter: Adapter, entity: string, options: Parameters<Adapter["streamPages"]>[1] = {}) =>
  Stream.runCollect(adapter.streamPages(entity, options)).pipe(
    Effect.map((pages) => pages.flatMap((page) => page.items))
  )
