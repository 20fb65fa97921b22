/**
 * Compiles a source document, once, into adapter-core's own parts: one endpoint definition per
 * stream (typed path params, page-size limits, the query style that writes the document's query and
 * incremental parameter, the response schema and the pagination style), the `HttpApi` of them all,
 * each stream's entity manifest and its record shaping. The running adapter (`RestAdapter`) uses
 * nothing else.
 */

import type { QueryStyle } from "@syncflow/adapter-core"
import { type ColumnManifest, defineEndpoint, type EntityManifest, makeApi } from "@syncflow/adapter-core"
import { Schema } from "effect"
import type { SourceDocument } from "../document/SourceDocument.ts"
import type { StreamSpec } from "../document/StreamSpec.ts"
import { placeholdersOf, primaryKeyOf } from "../document/validateDocument.ts"
import { compileShape, type ShapeRecord } from "../records/shapeRecord.ts"
import { paginationOf } from "./paginationOf.ts"
import { type ParentLink, parentLinkOf } from "./parentLink.ts"
import { requestBodyOf, type WithBody } from "./requestBody.ts"
import { responseSchemaOf } from "./responseSchema.ts"

/** The module every stream's endpoint belongs to: errors name endpoints `streams.<name>`. */
export const STREAMS_MODULE = "streams"

/** A stream's list endpoint definition. */
export type StreamDefinition = ReturnType<typeof streamEndpoint>

/** One compiled stream. */
export interface CompiledStream {
  readonly spec: StreamSpec
  readonly definition: StreamDefinition
  readonly manifest: EntityManifest
  readonly shape: ShapeRecord
  /** How a `POST` stream's requests get their JSON body; `undefined` for a `GET` stream. */
  readonly withBody: WithBody | undefined
  /** Each path param of the endpoint, and the parent record field that fills it (substreams only). */
  readonly params: ReadonlyArray<{ readonly param: string; readonly placeholder: string; readonly field: string }>
  /** A substream's link to its parent record (its foreign key); `undefined` for a top-level stream. */
  readonly parentLink: ParentLink | undefined
}

/** A compiled source. */
export interface CompiledSource {
  readonly document: SourceDocument
  readonly streams: ReadonlyArray<CompiledStream>
  readonly api: ReturnType<typeof makeApi<"rest", ReadonlyArray<StreamDefinition>>>
  readonly stream: (name: string) => CompiledStream | undefined
}

const columnsOf = (stream: StreamSpec): ReadonlyArray<ColumnManifest> | undefined => {
  if (stream.columns === undefined) return undefined
  const key = new Set(primaryKeyOf(stream))
  return Object.entries(stream.columns).map(([name, spec]) => {
    const type = typeof spec === "string" ? spec : spec.type
    const nullable = typeof spec === "string" ? true : (spec.nullable ?? true)
    return { name, type, nullable: nullable && !key.has(name), businessKey: key.has(name) }
  })
}

/** The query style of a stream: the document's and the stream's fixed query, and the incremental parameter. */
const queryStyleOf = (document: SourceDocument, stream: StreamSpec): QueryStyle.QueryStyle => ({
  encode: (options) => {
    const out: Record<string, string> = { ...document.query, ...stream.query }
    const incremental = stream.incremental
    const filter = incremental === undefined ? undefined : options.filter?.[incremental.cursorField]
    // The adapter passes the value already written in the document's format.
    if (incremental !== undefined && typeof filter === "object" && filter.gte !== undefined) {
      out[incremental.param] = String(filter.gte)
    }
    return out
  }
})

/** The list endpoint of a stream, its path params named `p0`, `p1`, ... */
const streamEndpoint = (
  document: SourceDocument,
  stream: StreamSpec,
  params: ReadonlyArray<{ readonly param: string; readonly placeholder: string }>
) => {
  let path = stream.path
  for (const { param, placeholder } of params) path = path.replace(`{${placeholder}}`, `:${param}`)
  const paramFields: Record<string, Schema.String> = {}
  for (const { param } of params) paramFields[param] = Schema.String
  const pagination = paginationOf(stream)
  return defineEndpoint({
    entity: stream.name,
    module: STREAMS_MODULE,
    name: stream.name,
    method: stream.method ?? "GET",
    // The document's schema checked that paths start with "/".
    path: path as `/${string}`,
    params: paramFields,
    query: {
      pageSize: {
        max: stream.pageSize?.max ?? 100,
        ...(stream.pageSize?.default === undefined ? {} : { default: stream.pageSize.default })
      }
    },
    queryStyle: queryStyleOf(document, stream),
    response: responseSchemaOf(stream),
    pagination: () => pagination
  })
}

const compileStream = (document: SourceDocument, stream: StreamSpec): CompiledStream => {
  const placeholders = placeholdersOf(stream.path)
  const params = placeholders.map((placeholder, i) => ({
    param: `p${i}`,
    placeholder,
    field: stream.parent?.params[placeholder] ?? placeholder
  }))
  const definition = streamEndpoint(document, stream, params)
  const parentLink = parentLinkOf(document, stream, params)
  const columns = columnsOf(stream)
  const manifest: EntityManifest = {
    entity: stream.name,
    ...(stream.description === undefined ? {} : { description: stream.description }),
    endpoint: definition.qualifiedName,
    businessKey: primaryKeyOf(stream) as EntityManifest["businessKey"],
    ...(stream.incremental === undefined ? {} : { cursorField: stream.incremental.cursorField }),
    deltaStrategy: stream.incremental === undefined ? "full" : "rowversion",
    parents: parentLink === undefined ? [] : [{ entity: parentLink.entity, foreignKey: parentLink.foreignKey }],
    ...(columns === undefined ? {} : { columns })
  }
  return {
    spec: stream,
    definition,
    manifest,
    shape: compileShape(stream),
    withBody: requestBodyOf(document, stream),
    params,
    parentLink
  }
}

/** Compiles a (decoded, valid) document. */
export const compileSource = (document: SourceDocument): CompiledSource => {
  const streams = document.streams.map((stream) => compileStream(document, stream))
  const byName = new Map(streams.map((stream) => [stream.spec.name, stream]))
  return {
    document,
    streams,
    api: makeApi(
      "rest",
      streams.map((stream) => stream.definition)
    ),
    stream: (name) => byName.get(name)
  }
}
