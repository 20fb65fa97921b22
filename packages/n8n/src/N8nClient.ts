/**
 * The typed client of n8n's public REST API and of its webhooks: workflows (list, get, create,
 * update, delete, activate, deactivate), executions (list, get, with their status) and triggering
 * a workflow through its webhook URL, all over adapter-core's HTTP stack (the `X-N8N-API-KEY`
 * header, the rate limit, timeouts, retries honouring `Retry-After`, circuit breaker). Listings
 * follow n8n's `nextCursor` to the end, in constant memory.
 */
import {
  AdapterClient,
  type AdapterError,
  AdapterHttp,
  AnsweredStatuses,
  CurrentEndpoint,
  decodeBody,
  InvalidRequest,
  NotFound,
  type Page,
  RateLimitPolicy,
  RetryPolicy,
  staticAuthenticator
} from "@syncflow/adapter-core"
import { Context, type Duration, Effect, Layer, type Redacted, Stream } from "effect"
import { HttpClientRequest } from "effect/http"
import type { Execution, ExecutionPage, ExecutionStatusFilter } from "./endpoints/Execution.ts"
import { GetExecution, ListExecutions } from "./endpoints/ExecutionEndpoints.ts"
import { N8nApi } from "./endpoints/N8nApi.ts"
import { type Workflow, type WorkflowInput, type WorkflowPage, webhookNodes } from "./endpoints/Workflow.ts"
import {
  ActivateWorkflow,
  CreateWorkflow,
  DeactivateWorkflow,
  DeleteWorkflow,
  GetWorkflow,
  ListWorkflows,
  UpdateWorkflow
} from "./endpoints/WorkflowEndpoints.ts"
import * as N8nCredentials from "./N8nCredentials.ts"
import { answerBody, type WebhookAnswer } from "./webhook/WebhookAnswer.ts"

/** How to reach one n8n instance. */
export interface N8nClientOptions {
  /** The instance's base URL, e.g. `http://n8n:5678` (the API is under `/api/v1`, webhooks under `/webhook`). */
  readonly baseUrl: string
  /** The instance's API key (sent as `X-N8N-API-KEY`). */
  readonly apiKey: string | Redacted.Redacted<string>
  /** The connection's id for the rate-limit budget; `"n8n"` by default. */
  readonly connectionId?: string | undefined
  /**
   * Retries of 429, 5xx, network failures and timeouts: 5 attempts with backoff, `Retry-After`
   * honoured, by default. Webhook calls are retried too: each carries an `Idempotency-Key`.
   */
  readonly retry?: RetryPolicy.Options | undefined
  /** Per-request timeout (a slow answer is retried); 30 seconds by default. */
  readonly timeout?: Duration.Input | undefined
  /** Requests allowed per second on this connection; 20 by default. */
  readonly requestsPerSecond?: number | undefined
}

/** Filters of the workflow listing. */
export interface WorkflowFilter {
  readonly active?: boolean | undefined
  readonly name?: string | undefined
  /** Tag names, comma-separated on the wire. */
  readonly tags?: ReadonlyArray<string> | undefined
  readonly projectId?: string | undefined
}

/** Filters of the execution listing. */
export interface ExecutionFilter {
  readonly status?: ExecutionStatusFilter | undefined
  readonly workflowId?: string | undefined
  readonly projectId?: string | undefined
  /** Include each execution's run data (large). */
  readonly includeData?: boolean | undefined
}

/** How to call a webhook. */
export interface WebhookOptions {
  /** The HTTP method of the webhook node; `POST` by default. */
  readonly method?: "POST" | "PUT" | "PATCH" | undefined
  /** Sent as `Idempotency-Key`: the same delivery repeated (after a lost answer) carries the same key. */
  readonly idempotencyKey?: string | undefined
  /** Call the test URL (`/webhook-test/...`, while the editor listens) instead of the production one. */
  readonly test?: boolean | undefined
  /** Extra headers (e.g. the webhook node's header auth). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** Page-size option of a listing. */
export interface ListingOptions {
  /** Records per page, at most 250 (n8n's cap); 100 by default. */
  readonly pageSize?: number | undefined
}

/** What the client offers. */
export interface N8nClientService {
  /** The base URL requests go to. */
  readonly baseUrl: string
  /** The pages of the workflow listing, following `nextCursor` to the end. */
  readonly workflowPages: (
    filter?: WorkflowFilter,
    options?: ListingOptions
  ) => Stream.Stream<Page<Workflow, WorkflowPage>, AdapterError>
  /** Every workflow matching the filter. */
  readonly listWorkflows: (filter?: WorkflowFilter, options?: ListingOptions) => Stream.Stream<Workflow, AdapterError>
  /** `GET /api/v1/workflows/{id}`; an unknown id is `NotFound`. */
  readonly getWorkflow: (id: string) => Effect.Effect<Workflow, AdapterError>
  /** `POST /api/v1/workflows`: a new (inactive) workflow. */
  readonly createWorkflow: (input: WorkflowInput) => Effect.Effect<Workflow, AdapterError>
  /** `PUT /api/v1/workflows/{id}`. */
  readonly updateWorkflow: (id: string, input: WorkflowInput) => Effect.Effect<Workflow, AdapterError>
  /** `DELETE /api/v1/workflows/{id}`: the deleted workflow. */
  readonly deleteWorkflow: (id: string) => Effect.Effect<Workflow, AdapterError>
  /** `POST /api/v1/workflows/{id}/activate`. */
  readonly activateWorkflow: (id: string) => Effect.Effect<Workflow, AdapterError>
  /** `POST /api/v1/workflows/{id}/deactivate`. */
  readonly deactivateWorkflow: (id: string) => Effect.Effect<Workflow, AdapterError>
  /** The pages of the execution listing (newest first). */
  readonly executionPages: (
    filter?: ExecutionFilter,
    options?: ListingOptions
  ) => Stream.Stream<Page<Execution, ExecutionPage>, AdapterError>
  /** Every execution matching the filter. */
  readonly listExecutions: (
    filter?: ExecutionFilter,
    options?: ListingOptions
  ) => Stream.Stream<Execution, AdapterError>
  /** `GET /api/v1/executions/{id}`, with its status (and its data when asked). */
  readonly getExecution: (
    id: string,
    options?: { readonly includeData?: boolean | undefined }
  ) => Effect.Effect<Execution, AdapterError>
  /**
   * Calls the webhook at `path` (`<baseUrl>/webhook/<path>`) with a JSON payload. A webhook that is
   * not registered (its workflow inactive) is `NotFound`; 400, 409 and 422 are answers.
   */
  readonly triggerWebhook: (
    path: string,
    payload: unknown,
    options?: WebhookOptions
  ) => Effect.Effect<WebhookAnswer, AdapterError>
  /**
   * Executes a workflow with a payload through its (first) webhook trigger: the workflow must be
   * active and have a webhook node; otherwise `InvalidRequest` says why.
   */
  readonly executeWorkflow: (
    id: string,
    payload: unknown,
    options?: Omit<WebhookOptions, "method">
  ) => Effect.Effect<WebhookAnswer & { readonly path: string }, AdapterError>
}

/** The statuses a webhook answers with a body the caller decides about. */
const WEBHOOK_ANSWERS: ReadonlyArray<number> = [400, 409, 422]

const MAX_IDEMPOTENCY_KEY = 255

const WEBHOOK_ENDPOINT = "webhooks.trigger"

const workflowQuery = (filter: WorkflowFilter = {}) => ({
  ...(filter.active === undefined ? {} : { active: filter.active }),
  ...(filter.name === undefined ? {} : { name: filter.name }),
  ...(filter.tags === undefined || filter.tags.length === 0 ? {} : { tags: filter.tags.join(",") }),
  ...(filter.projectId === undefined ? {} : { projectId: filter.projectId })
})

const executionQuery = (filter: ExecutionFilter = {}) => ({
  ...(filter.status === undefined ? {} : { status: filter.status }),
  ...(filter.workflowId === undefined ? {} : { workflowId: filter.workflowId }),
  ...(filter.projectId === undefined ? {} : { projectId: filter.projectId }),
  ...(filter.includeData === undefined ? {} : { includeData: filter.includeData })
})

const make = Effect.fnUntraced(function* (options: N8nClientOptions) {
  const connectionId = options.connectionId ?? "n8n"
  const retry = RetryPolicy.make({ maxAttempts: 5, ...options.retry })
  const rateLimit = RateLimitPolicy.make({
    adapter: "n8n",
    connection: connectionId,
    limit: options.requestsPerSecond ?? 20,
    window: "1 second"
  })
  const timeout = options.timeout === undefined ? {} : { timeout: options.timeout }
  const httpClient = yield* AdapterHttp.make({
    authenticator: staticAuthenticator(connectionId, N8nCredentials.apiKey(options.apiKey)),
    retry,
    rateLimit,
    ...timeout
  })
  // Webhooks are not the API: they never see the API key, and a delivery is retried under its key.
  const webhookClient = yield* AdapterHttp.make({
    retry: RetryPolicy.make({ maxAttempts: 5, ...options.retry, retryUnsafeMethods: true }),
    rateLimit,
    ...timeout
  })
  const client = yield* AdapterClient.make(N8nApi, { baseUrl: options.baseUrl, httpClient })
  const baseUrl = client.baseUrl

  const workflowPages = (filter?: WorkflowFilter, listing: ListingOptions = {}) =>
    client.streamPages(ListWorkflows, {
      filter: workflowQuery(filter),
      ...(listing.pageSize === undefined ? {} : { pageSize: listing.pageSize })
    })

  const executionPages = (filter?: ExecutionFilter, listing: ListingOptions = {}) =>
    client.streamPages(ListExecutions, {
      filter: executionQuery(filter),
      ...(listing.pageSize === undefined ? {} : { pageSize: listing.pageSize })
    })

  const getExecution = Effect.fn("N8nClient.getExecution")(function* (
    id: string,
    get: { readonly includeData?: boolean | undefined } = {}
  ) {
    if (get.includeData !== true) return yield* client.call(GetExecution, { params: { id } })
    const request = HttpClientRequest.get(`${baseUrl}/api/v1/executions/${encodeURIComponent(id)}`).pipe(
      HttpClientRequest.setUrlParams({ includeData: "true" })
    )
    return yield* httpClient.execute(request).pipe(
      Effect.flatMap((response) => decodeBody(GetExecution.qualifiedName, GetExecution.response, response)),
      Effect.provideService(CurrentEndpoint, GetExecution.qualifiedName)
    )
  })

  const triggerWebhook = Effect.fn("N8nClient.triggerWebhook")(function* (
    path: string,
    payload: unknown,
    webhook: WebhookOptions = {}
  ) {
    const key = webhook.idempotencyKey
    if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
      return yield* new InvalidRequest({
        endpoint: WEBHOOK_ENDPOINT,
        message: "an Idempotency-Key must be 1 to 255 characters"
      })
    }
    const trimmed = path.replace(/^\/+/, "")
    if (trimmed === "") {
      return yield* new InvalidRequest({ endpoint: WEBHOOK_ENDPOINT, message: "the webhook path is empty" })
    }
    const url = `${baseUrl}/${webhook.test === true ? "webhook-test" : "webhook"}/${trimmed
      .split("/")
      .map(encodeURIComponent)
      .join("/")}`
    const body = yield* Effect.try({
      try: () => JSON.stringify(payload ?? null),
      catch: (cause) =>
        new InvalidRequest({ endpoint: WEBHOOK_ENDPOINT, message: `the payload is not JSON: ${String(cause)}` })
    })
    const request = HttpClientRequest.make(webhook.method ?? "POST")(url).pipe(
      HttpClientRequest.setHeaders({ ...webhook.headers, ...(key === undefined ? {} : { "idempotency-key": key }) }),
      HttpClientRequest.bodyText(body, "application/json")
    )
    const response = yield* webhookClient
      .execute(request)
      .pipe(
        Effect.provideService(CurrentEndpoint, WEBHOOK_ENDPOINT),
        Effect.provideService(AnsweredStatuses, WEBHOOK_ANSWERS)
      )
    const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
    return { status: response.status, body: answerBody(text) }
  })

  const executeWorkflow = Effect.fn("N8nClient.executeWorkflow")(function* (
    id: string,
    payload: unknown,
    webhook: Omit<WebhookOptions, "method"> = {}
  ) {
    const workflow = yield* client.call(GetWorkflow, { params: { id } })
    const trigger = webhookNodes(workflow)[0]
    if (trigger === undefined) {
      return yield* new InvalidRequest({
        endpoint: WEBHOOK_ENDPOINT,
        message: `workflow ${id} has no webhook trigger node to execute it with`
      })
    }
    if (!workflow.active && webhook.test !== true) {
      return yield* new InvalidRequest({
        endpoint: WEBHOOK_ENDPOINT,
        message: `workflow ${id} is not active: activate it before executing it`
      })
    }
    const method = trigger.method.toUpperCase()
    if (method !== "POST" && method !== "PUT" && method !== "PATCH") {
      return yield* new InvalidRequest({
        endpoint: WEBHOOK_ENDPOINT,
        message: `workflow ${id}'s webhook takes ${method}, which carries no payload`
      })
    }
    const answer = yield* triggerWebhook(trigger.path, payload, { ...webhook, method })
    return { ...answer, path: trigger.path }
  })

  return N8nClient.of({
    baseUrl,
    workflowPages,
    listWorkflows: (filter, listing) =>
      Stream.flatMap(workflowPages(filter, listing), (page) => Stream.fromIterable(page.items)),
    getWorkflow: (id) => client.call(GetWorkflow, { params: { id } }),
    createWorkflow: (input) => client.call(CreateWorkflow, { payload: input }),
    updateWorkflow: (id, input) => client.call(UpdateWorkflow, { params: { id }, payload: input }),
    deleteWorkflow: (id) => client.call(DeleteWorkflow, { params: { id } }),
    activateWorkflow: (id) => client.call(ActivateWorkflow, { params: { id } }),
    deactivateWorkflow: (id) => client.call(DeactivateWorkflow, { params: { id } }),
    executionPages,
    listExecutions: (filter, listing) =>
      Stream.flatMap(executionPages(filter, listing), (page) => Stream.fromIterable(page.items)),
    getExecution,
    triggerWebhook,
    executeWorkflow
  })
})

/** Whether an error is n8n's "no such workflow/execution/webhook". */
export const isNotFound = (error: AdapterError): error is NotFound => error instanceof NotFound

/**
 * The n8n client service. Build it with {@link N8nClient.layer}; it needs the HTTP stack's
 * services (`HttpClient`, `AdapterHttp.layerMemory()`).
 */
export class N8nClient extends Context.Service<N8nClient, N8nClientService>()("@syncflow/n8n/N8nClient") {
  /** Builds a client of one instance (without providing it as a service). */
  static readonly make: (
    options: N8nClientOptions
  ) => Effect.Effect<N8nClientService, never, AdapterHttp.AdapterHttpServices> = make

  /** The client of one instance as a layer. */
  static readonly layer = (options: N8nClientOptions): Layer.Layer<N8nClient, never, AdapterHttp.AdapterHttpServices> =>
    Layer.effect(N8nClient, make(options))
}
