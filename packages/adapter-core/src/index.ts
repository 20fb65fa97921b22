/**
 * @syncflow/adapter-core: declarative endpoint definitions turned into typed Effect HTTP clients,
 * with resumable pagination streams, credentials, rate limits, retries, timeouts and circuit
 * breakers, and the Adapter contract the sync engine consumes.
 */
export * from "./adapter/Adapter.ts"
export * from "./adapter/EntityManifest.ts"
export * from "./adapter/RecordWriter.ts"
export * from "./auth/index.ts"
export * as AdapterClient from "./client/AdapterClient.ts"
export * as AdapterHttp from "./client/AdapterHttp.ts"
export { decodeBody, decodeText, firstIssue, formatPath } from "./client/decodeBody.ts"
export * from "./endpoint/EndpointDefinition.ts"
export * from "./endpoint/makeApi.ts"
export * from "./endpoint/QuerySpec.ts"
export * as QueryStyle from "./endpoint/QueryStyle.ts"
export * from "./errors/AdapterError.ts"
export { AnsweredStatuses } from "./http/AnsweredStatuses.ts"
export { bufferBody } from "./http/bufferBody.ts"
export { CurrentEndpoint } from "./http/CurrentEndpoint.ts"
export { classifyResponse } from "./http/classifyResponse.ts"
export { parseRetryAfter } from "./http/parseRetryAfter.ts"
export * as Cursor from "./pagination/Cursor.ts"
export type { Page } from "./pagination/Page.ts"
export * as Pagination from "./pagination/Pagination.ts"
export { parseLinkHeader } from "./pagination/parseLinkHeader.ts"
export { streamAll, streamPages } from "./pagination/streamPages.ts"
export * from "./rate-limit/index.ts"
export * from "./resilience/index.ts"
