/**
 * A fake n8n on a real HTTP server (127.0.0.1, a free port), faithful to n8n's public API v1 as far
 * as SyncFlow uses it: the `X-N8N-API-KEY` header (401 without it or with a wrong key), workflows
 * (list with `nextCursor` pagination and the `active`/`name`/`tags` filters, at most 250 a page;
 * get, create, update by PUT, delete, activate, deactivate; 400 naming what the body lacks, 404
 * `Not Found`), executions (list newest first with the `status`/`workflowId` filters, get, with
 * `includeData`), and production webhooks: `/webhook/<path>` of an active workflow's webhook
 * node records what it received, creates an execution (`mode: "webhook"`) and answers as its
 * response mode says (`{"message":"Workflow was started"}` by default); an unregistered path is
 * n8n's 404. Faults on demand: 5xx bursts, 429 with `Retry-After`, webhook deliveries cut after
 * they were recorded, and executions that end in `error`.
 *
 * Timestamps are the Effect `Clock` of the scope that made the server.
 */
import { TestServer } from "@syncflow/adapter-core/testing"
import { DateTime, Effect, Redacted, Result, Schema, type Scope } from "effect"
import { type Workflow, WorkflowInput } from "../endpoints/Workflow.ts"
import { MAX_PAGE_SIZE } from "../endpoints/WorkflowEndpoints.ts"
import { API_KEY_HEADER } from "../N8nCredentials.ts"
import { type Delivery, type FakeExecution, makeN8nStore } from "./N8nStore.ts"

/** How the fake behaves. */
export interface FakeN8nOptions {
  /** The API key it accepts; {@link DEFAULT_API_KEY} by default. */
  readonly apiKey?: string | undefined
}

/** Faults to inject. */
export interface FakeN8nFaults {
  /** The next `count` requests (API or webhook) answer `status` (503 by default) without doing anything. */
  readonly failNext: (count: number, options?: { readonly status?: number | undefined }) => Effect.Effect<void>
  /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds` (1 by default). */
  readonly rateLimitNext: (count: number, retryAfterSeconds?: number) => Effect.Effect<void>
  /** The next `count` webhook deliveries are recorded (and executed), then their connection is cut. */
  readonly cutAfterDeliveryNext: (count: number) => Effect.Effect<void>
  /** The next `count` webhook executions end with status `error` (the webhook still answers). */
  readonly failExecutionsNext: (count: number) => Effect.Effect<void>
}

/** What a webhook answers, decided per path: a status and a JSON body, from what it received. */
export type Responder = (body: unknown) => { readonly status: number; readonly body: unknown }

/** A running fake n8n. */
export interface FakeN8n {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string
  /** The API key it accepts. */
  readonly apiKey: Redacted.Redacted<string>
  /** Creates a workflow directly (no HTTP, no faults), optionally active. */
  readonly putWorkflow: (input: WorkflowInput, options?: { readonly active?: boolean }) => Effect.Effect<Workflow>
  /** Every workflow, in id order. */
  readonly workflows: Effect.Effect<ReadonlyArray<Workflow>>
  /** Every execution, oldest first. */
  readonly executions: Effect.Effect<ReadonlyArray<FakeExecution>>
  /** What the webhooks received, in order (every delivery, repeats included); of one path if given. */
  readonly deliveries: (path?: string) => Effect.Effect<ReadonlyArray<Delivery>>
  /** Makes the webhook at `path` answer as `responder` says (a "Respond to Webhook" node). */
  readonly respondWith: (path: string, responder: Responder) => Effect.Effect<void>
  readonly faults: FakeN8nFaults
  /** Every request received so far, in order. */
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

/** The API key the fake accepts unless told otherwise. */
export const DEFAULT_API_KEY = "fake-n8n-api-key"

const json = (status: number, body: unknown, headers: Record<string, string> = {}): TestServer.TestResponse => ({
  status,
  headers,
  body
})

const message = (status: number, text: string) => json(status, { message: text })

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const parse = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    return { ok: true, value: text === "" ? undefined : JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/** The first thing a workflow body lacks, as n8n's request validation words it. */
const invalidWorkflow = (body: unknown): string | undefined => {
  if (!isObject(body)) return "request/body must be object"
  for (const field of ["name", "nodes", "connections", "settings"]) {
    if (!(field in body)) return `request/body must have required property '${field}'`
  }
  if (typeof body.name !== "string" || body.name === "") return "request/body/name must be string"
  if (!Array.isArray(body.nodes)) return "request/body/nodes must be array"
  for (const [index, node] of body.nodes.entries()) {
    if (!isObject(node) || typeof node.name !== "string" || typeof node.type !== "string") {
      return `request/body/nodes/${index} must have required properties 'name' and 'type'`
    }
  }
  if (!isObject(body.connections)) return "request/body/connections must be object"
  if (!isObject(body.settings)) return "request/body/settings must be object"
  return undefined
}

const decodeWorkflowInput = Schema.decodeUnknownResult(WorkflowInput)

/** A workflow body as n8n takes it, or what is wrong with it. */
const workflowInput = (body: unknown): WorkflowInput | string => {
  const invalid = invalidWorkflow(body)
  if (invalid !== undefined) return invalid
  const decoded = decodeWorkflowInput(body)
  return Result.isSuccess(decoded) ? decoded.success : `request/body is invalid: ${decoded.failure.message}`
}

const encodeCursor = (lastId: string | number, limit: number) =>
  Buffer.from(JSON.stringify({ lastId, limit }), "utf8").toString("base64")

const decodeCursor = (cursor: string): { readonly lastId: string | number; readonly limit: number } | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"))
    return isObject(value) &&
      (typeof value.lastId === "string" || typeof value.lastId === "number") &&
      typeof value.limit === "number"
      ? { lastId: value.lastId, limit: value.limit }
      : undefined
  } catch {
    return undefined
  }
}

/** One page of `items` (ordered by `key`) after the request's cursor, or the 400 n8n answers. */
const pageOf = <T>(
  url: URL,
  items: ReadonlyArray<T>,
  key: (item: T) => string | number,
  after: (item: T, lastId: string | number) => boolean
): { readonly data: ReadonlyArray<T>; readonly nextCursor: string | null } | TestServer.TestResponse => {
  const cursorText = url.searchParams.get("cursor")
  const cursor = cursorText === null ? undefined : decodeCursor(cursorText)
  if (cursorText !== null && cursor === undefined) return message(400, "An invalid cursor was provided")
  const limitText = url.searchParams.get("limit")
  const limit = cursor?.limit ?? (limitText === null ? 100 : Number(limitText))
  if (!Number.isInteger(limit) || limit < 1) return message(400, "request/query/limit must be integer >= 1")
  if (limit > MAX_PAGE_SIZE) return message(400, `request/query/limit must be <= ${MAX_PAGE_SIZE}`)
  const rest = cursor === undefined ? items : items.filter((item) => after(item, cursor.lastId))
  const data = rest.slice(0, limit)
  const last = data[data.length - 1]
  return { data, nextCursor: rest.length > limit && last !== undefined ? encodeCursor(key(last), limit) : null }
}

const executionView = (execution: FakeExecution, includeData: boolean) => {
  const { data, ...rest } = execution
  return { ...rest, retryOf: null, retrySuccessId: null, waitTill: null, ...(includeData ? { data } : {}) }
}

/** Starts a fake n8n for the life of the scope. */
export const make = Effect.fnUntraced(function* (
  options: FakeN8nOptions = {}
): Effect.fn.Return<FakeN8n, never, Scope.Scope> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY
  const store = makeN8nStore()
  const responders = new Map<string, Responder>()
  const faults = { fail: 0, failStatus: 503, rateLimit: 0, retryAfter: 1, cut: 0, failExecutions: 0 }
  const now = Effect.map(DateTime.now, DateTime.formatIso)

  const injected = (): TestServer.TestResponse | undefined => {
    if (faults.rateLimit > 0) {
      faults.rateLimit--
      return json(429, { message: "Too Many Requests" }, { "retry-after": String(faults.retryAfter) })
    }
    if (faults.fail > 0) {
      faults.fail--
      return message(faults.failStatus, "Service Unavailable")
    }
    return undefined
  }

  const workflowRoutes = (request: TestServer.TestRequest, parts: ReadonlyArray<string>, at: string) => {
    const [id, action] = parts
    const body = parse(request.body)
    if (id === undefined) {
      if (request.method === "GET") {
        const active = request.url.searchParams.get("active")
        const name = request.url.searchParams.get("name")
        const tags =
          request.url.searchParams
            .get("tags")
            ?.split(",")
            .filter((tag) => tag !== "") ?? []
        const matching = store
          .ordered()
          .filter(
            (w) =>
              (active === null || String(w.active) === active) &&
              (name === null || w.name === name) &&
              tags.every((tag) => (w.tags ?? []).some((t) => t.name === tag))
          )
        const page = pageOf(
          request.url,
          matching,
          (w) => w.id,
          (w, lastId) => w.id > String(lastId)
        )
        return "data" in page ? json(200, page) : page
      }
      if (request.method === "POST") {
        if (!body.ok) return message(400, "request/body must be valid JSON")
        const input = workflowInput(body.value)
        return typeof input === "string" ? message(400, input) : json(200, store.create(input, at))
      }
      return message(405, "Method Not Allowed")
    }
    const current = store.workflows.get(id)
    if (current === undefined) return message(404, "Not Found")
    if (action === undefined) {
      if (request.method === "GET") return json(200, current)
      if (request.method === "DELETE") return json(200, store.remove(id))
      if (request.method === "PUT") {
        if (!body.ok) return message(400, "request/body must be valid JSON")
        const input = workflowInput(body.value)
        return typeof input === "string" ? message(400, input) : json(200, store.update(id, input, at))
      }
    } else if (request.method === "POST" && (action === "activate" || action === "deactivate")) {
      const result = store.setActive(id, action === "activate", at)
      return result !== undefined && "id" in result
        ? json(200, result)
        : message(result?.status ?? 404, result?.message ?? "Not Found")
    }
    return message(405, "Method Not Allowed")
  }

  const executionRoutes = (request: TestServer.TestRequest, parts: ReadonlyArray<string>) => {
    if (request.method !== "GET") return message(405, "Method Not Allowed")
    const includeData = request.url.searchParams.get("includeData") === "true"
    const [id] = parts
    if (id === undefined) {
      const status = request.url.searchParams.get("status")
      const workflowId = request.url.searchParams.get("workflowId")
      const newestFirst = [...store.executions]
        .reverse()
        .filter((e) => (status === null || e.status === status) && (workflowId === null || e.workflowId === workflowId))
      const page = pageOf(
        request.url,
        newestFirst,
        (e) => e.id,
        (e, lastId) => e.id < Number(lastId)
      )
      return "data" in page ? json(200, { ...page, data: page.data.map((e) => executionView(e, includeData)) }) : page
    }
    const execution = store.executions.find((e) => String(e.id) === id)
    return execution === undefined ? message(404, "Not Found") : json(200, executionView(execution, includeData))
  }

  const webhook = (request: TestServer.TestRequest, path: string, at: string): TestServer.TestResponse => {
    const method = request.method.toUpperCase()
    const found = store.webhookOf(method, path)
    if (found === undefined) {
      return json(404, {
        code: 404,
        message: `The requested webhook "${method} ${path}" is not registered.`,
        hint: "The workflow must be active for a production URL to run successfully."
      })
    }
    const body = parse(request.body)
    const received = body.ok ? body.value : request.body
    const item = {
      headers: request.headers,
      params: {},
      query: Object.fromEntries(request.url.searchParams),
      body: received
    }
    const failed = faults.failExecutions > 0
    if (failed) faults.failExecutions--
    const execution = store.execute(
      found.workflow.id,
      "webhook",
      { resultData: { runData: { [found.node]: [{ data: { main: [[{ json: item }]] } }] } } },
      failed ? "error" : "success",
      at
    )
    store.deliveries.push({
      workflowId: found.workflow.id,
      path,
      method,
      idempotencyKey: request.headers["idempotency-key"],
      body: received,
      executionId: String(execution.id),
      receivedAt: at
    })
    if (faults.cut > 0) {
      faults.cut--
      return { destroy: true }
    }
    const responder = responders.get(path)
    if (responder !== undefined) {
      const answer = responder(received)
      return json(answer.status, answer.body)
    }
    const node = found.workflow.nodes.find((n) => n.name === found.node)
    return node?.parameters?.responseMode === "lastNode"
      ? json(200, item)
      : json(200, { message: "Workflow was started" })
  }

  const handle = (request: TestServer.TestRequest) =>
    Effect.gen(function* () {
      const at = yield* now
      const parts = request.url.pathname
        .split("/")
        .filter((part) => part !== "")
        .map(decodeURIComponent)
      if (parts[0] === "webhook") return injected() ?? webhook(request, parts.slice(1).join("/"), at)
      if (parts[0] !== "api" || parts[1] !== "v1") return message(404, "Not Found")
      const key = request.headers[API_KEY_HEADER.toLowerCase()]
      if (key === undefined) return message(401, `'${API_KEY_HEADER}' header required`)
      if (key !== apiKey) return message(401, "Unauthorized")
      const fault = injected()
      if (fault !== undefined) return fault
      if (parts[2] === "workflows") return workflowRoutes(request, parts.slice(3), at)
      if (parts[2] === "executions") return executionRoutes(request, parts.slice(3))
      return message(404, "Not Found")
    })

  const server = yield* TestServer.make(handle)

  return {
    baseUrl: server.baseUrl,
    apiKey: Redacted.make(apiKey),
    putWorkflow: (input, put = {}) =>
      Effect.gen(function* () {
        const at = yield* now
        const created = store.create(input, at)
        const result = put.active === true ? store.setActive(created.id, true, at) : created
        return result !== undefined && "id" in result ? result : created
      }),
    workflows: Effect.sync(() => store.ordered()),
    executions: Effect.sync(() => store.executions.slice()),
    deliveries: (path) => Effect.sync(() => store.deliveries.filter((d) => path === undefined || d.path === path)),
    respondWith: (path, responder) =>
      Effect.sync(() => {
        responders.set(path, responder)
      }),
    faults: {
      failNext: (count, fail = {}) =>
        Effect.sync(() => {
          faults.fail = count
          faults.failStatus = fail.status ?? 503
        }),
      rateLimitNext: (count, retryAfterSeconds = 1) =>
        Effect.sync(() => {
          faults.rateLimit = count
          faults.retryAfter = retryAfterSeconds
        }),
      cutAfterDeliveryNext: (count) =>
        Effect.sync(() => {
          faults.cut = count
        }),
      failExecutionsNext: (count) =>
        Effect.sync(() => {
          faults.failExecutions = count
        })
    },
    requests: server.requests
  }
})
