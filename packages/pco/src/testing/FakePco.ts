/**
 * A fake Planning Center on a real HTTP server on 127.0.0.1, for tests of anything that talks to
 * the People API — this package's client and adapter, or your own code. It reproduces what matters
 * for a sync (see the package README and `shared/specs/pco-api.md`): JSON:API documents with
 * `included`, `links.next` and `meta`; `per_page` capped at 100 (and the `per_page=0` trap);
 * `where[...]` / `order` honoured only where Planning Center honours them; offsets recomputed per
 * request; a rolling 100-requests-per-20-seconds window per user with 429 + `Retry-After` (75 past
 * offset 30,000, or any limit you set); Personal Access Tokens and OAuth2 with 2-hour access
 * tokens and rotating refresh tokens; records created, updated, deleted and merged between calls;
 * and signed webhook deliveries.
 *
 * The data is generated from a seed (10 to 100,000 people with their contact records, households
 * and custom fields), lazily: only changes are stored. Time is the Effect `Clock` of the scope
 * that made the fake (the `TestClock` under `it.effect`), so tests move rate-limit windows, token
 * expiry and webhook retries with `TestClock.adjust`.
 */
import type { Basic, OAuth2 } from "@syncflow/adapter-core"
import { FakeOAuthServer, TestServer } from "@syncflow/adapter-core/testing"
import { Clock, Effect, Layer, Redacted, type Scope } from "effect"
import { Mac, SecureRandom } from "effect/crypto"
import * as PcoAuth from "../PcoAuth.ts"
import * as Dataset from "./Dataset.ts"
import * as FakeAuth from "./FakeAuth.ts"
import { type FakeRecord, formatSeconds } from "./FakeRecord.ts"
import * as ListQuery from "./ListQuery.ts"
import * as Prng from "./Prng.ts"
import * as Render from "./Render.ts"
import { type FakeType, typeOfCollection, typeSpecs } from "./ResourceTypes.ts"
import * as RollingWindow from "./RollingWindow.ts"
import * as Selection from "./Selection.ts"
import * as WebhookDispatcher from "./WebhookDispatcher.ts"
import * as Writes from "./Writes.ts"

/** How the fake organization looks and behaves. Every option has a default. */
export interface FakePcoOptions {
  /** Seeds the generated data, secrets and shuffles; 1 by default. */
  readonly seed?: number | undefined
  /** How many people to generate: 10 to 100,000; 50 by default. */
  readonly people?: number | undefined
  /** The data's "now": every generated timestamp is before it; `2026-01-15T12:00:00Z` by default. */
  readonly now?: string | undefined
  /** The organization's time zone (date-only filters cover a day in it); `America/Chicago` by default. */
  readonly timeZone?: string | undefined
  readonly rateLimit?:
    | {
        /** Requests per period per user; 100 by default. */
        readonly limit?: number | undefined
        /** The rolling window, in seconds; 20 by default. */
        readonly periodSeconds?: number | undefined
        /** The limit for requests past `deepOffset`; 75 by default. */
        readonly deepOffsetLimit?: number | undefined
        /** The offset past which `deepOffsetLimit` applies; 30,000 by default. */
        readonly deepOffset?: number | undefined
      }
    | undefined
  readonly oauth?:
    | {
        readonly clientId?: string | undefined
        readonly clientSecret?: string | undefined
        /** 7,200 (2 hours) by default. */
        readonly accessTokenTtlSeconds?: number | undefined
        /** 90 days by default (Planning Center's docs also say one year). */
        readonly refreshTokenTtlSeconds?: number | undefined
      }
    | undefined
  /** The Personal Access Token the fake accepts; derived from the seed by default. */
  readonly personalAccessToken?: { readonly appId: string; readonly secret: string } | undefined
  readonly webhooks?: WebhookDispatcher.WebhookDeliveryOptions | undefined
}

/** A type the fake serves, by its JSON:API name. */
export type { FakeType } from "./ResourceTypes.ts"
/** A webhook delivery attempt, a subscription, and the delivery options. */
export type { DeliveryAttempt, FakeSubscription, WebhookDeliveryOptions } from "./WebhookDispatcher.ts"

/** A JSON:API resource object as the fake renders it. */
export type FakeResource = Render.RenderedResource

/** What the fake holds right now, to compare a client's results with. */
export interface GroundTruth {
  /** How many records of a type exist (for a person's or household's children: theirs). */
  readonly count: (type: FakeType, scope?: { readonly person?: string; readonly household?: string }) => number
  /** The ids of a type, in id order. */
  readonly ids: (type: FakeType) => ReadonlyArray<string>
  /** One record as the API would render it, or `undefined` when it does not exist. */
  readonly get: (type: FakeType, id: string) => FakeResource | undefined
  /** Every record of a type, generated one at a time as the iterator advances. */
  readonly all: (type: FakeType) => Iterable<FakeResource>
  /** The ids of records whose `updated_at` (or `created_at` for person mergers) is at or after `since`. */
  readonly changedSince: (type: FakeType, since: string) => ReadonlyArray<string>
  /** The greatest `updated_at` of a type, as Planning Center formats it. */
  readonly latestUpdate: (type: FakeType) => string | undefined
}

/** Changes to make between calls, stamped with the fake's clock and reported to webhooks. */
export interface Mutations {
  /** Creates a record; `parent` is the owning person (contact records, field data). */
  readonly create: (
    type: FakeType,
    attributes: Readonly<Record<string, unknown>>,
    parent?: { readonly person?: string; readonly fieldDefinition?: string }
  ) => Effect.Effect<FakeResource>
  /** Changes attributes (none: only `updated_at` moves); `undefined` when the record does not exist. */
  readonly update: (
    type: FakeType,
    id: string,
    attributes?: Readonly<Record<string, unknown>>
  ) => Effect.Effect<FakeResource | undefined>
  /** Deletes a record; false when it did not exist. */
  readonly destroy: (type: FakeType, id: string) => Effect.Effect<boolean>
  /** Merges two people: the removed one is deleted and a person merger is recorded. */
  readonly mergePeople: (keepId: string, removeId: string) => Effect.Effect<FakeResource | undefined>
  /**
   * `count` seeded random changes of people and emails (updates, creations, deletions), as other
   * users of the organization would make; answers what changed.
   */
  readonly random: (count: number) => Effect.Effect<
    ReadonlyArray<{
      readonly action: "created" | "updated" | "destroyed"
      readonly type: FakeType
      readonly id: string
    }>
  >
}

/** Control of the fake's rate limiter. */
export interface RateLimitControl {
  /** Replaces the per-period limit (e.g. 10, as seen during deep traversals); `undefined` restores it. */
  readonly setLimit: (limit: number | undefined) => Effect.Effect<void>
  /** Counts `count` requests from another integration of the same users, now, in every user's window. */
  readonly consume: (count: number) => Effect.Effect<void>
  /** How many requests were answered 429 so far. */
  readonly rejected: Effect.Effect<number>
}

/** Webhook subscriptions and deliveries of the fake. */
export interface FakeWebhooks {
  /** Subscribes `url` to an event name (as `POST /webhooks/v2/webhook_subscriptions` does). */
  readonly subscribe: (options: {
    readonly name: string
    readonly url: string
  }) => Effect.Effect<{ readonly id: string; readonly secret: Redacted.Redacted<string> }>
  /** Sends every delivery that is due by the clock (new events, and retries whose time has come). */
  readonly deliver: Effect.Effect<ReadonlyArray<WebhookDispatcher.DeliveryAttempt>>
  /** Deliveries waiting, due or scheduled for a retry. */
  readonly pending: Effect.Effect<number>
  /** Every delivery attempt so far. */
  readonly attempts: Effect.Effect<ReadonlyArray<WebhookDispatcher.DeliveryAttempt>>
  /** The current state of a subscription (`active` turns false after a 410). */
  readonly subscription: (id: string) => Effect.Effect<WebhookDispatcher.FakeSubscription | undefined>
}

/** A running fake Planning Center. */
export interface FakePco {
  /** `http://127.0.0.1:PORT`: use it as the client's `baseUrl`. */
  readonly baseUrl: string
  readonly organizationId: string
  /** Personal Access Token credentials the fake accepts. */
  readonly personalAccessToken: Basic
  /** OAuth2 credentials of the fake's registered application (authorize and token URLs on the fake). */
  readonly oauthCredentials: (options?: { readonly scopes?: ReadonlyArray<PcoAuth.PcoScope> }) => OAuth2
  /** Issues an authorization code as if a user had approved the application (skip the browser redirect). */
  readonly issueCode: (options?: { readonly scope?: string }) => Effect.Effect<string>
  /** The OAuth2 provider behind the fake (grant counters, revocation, fault switches). */
  readonly oauth: FakeOAuthServer.FakeOAuthServer
  readonly truth: GroundTruth
  readonly mutate: Mutations
  readonly rateLimit: RateLimitControl
  readonly webhooks: FakeWebhooks
  /** Every API request received so far (`/oauth/*` included), in order. */
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

/** The People API versions the fake knows; a request is processed as the newest on or before its date. */
const peopleVersions = ["2018-08-01", "2023-02-15", "2025-03-20", "2026-06-04"] as const
const defaultVersion = "2025-03-20"
const firstWebhooksVersion = "2022-10-20"

const versionPattern = /^\d{4}-\d{2}-\d{2}$/

const json = (
  status: number,
  body: Render.Json,
  headers: Readonly<Record<string, string>> = {}
): TestServer.TestResponse => ({
  status,
  headers,
  body
})

const isPrincipal = (value: FakeAuth.Principal | TestServer.TestResponse): value is FakeAuth.Principal => "key" in value

const idOf = (text: string | undefined): number | undefined =>
  text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined

const isWritable = (type: FakeType): boolean => Writes.writeSpecs[type] !== undefined

const childCollections: Readonly<Record<string, FakeType>> = {
  emails: "Email",
  phone_numbers: "PhoneNumber",
  addresses: "Address",
  field_data: "FieldDatum",
  household_memberships: "HouseholdMembership"
}

/** Starts a fake Planning Center for the life of the scope. */
export const make = Effect.fnUntraced(function* (
  options: FakePcoOptions = {}
): Effect.fn.Return<FakePco, never, Scope.Scope> {
  const people = options.people ?? 50
  if (!Number.isInteger(people) || people < 10 || people > 100_000) {
    return yield* Effect.die(new RangeError(`FakePco: people must be an integer from 10 to 100,000, got ${people}`))
  }
  const seed = options.seed ?? 1
  const epoch = Math.floor(Date.parse(options.now ?? "2026-01-15T12:00:00Z") / 1000)
  const timeZone = options.timeZone ?? "America/Chicago"
  const periodSeconds = options.rateLimit?.periodSeconds ?? 20
  const deepOffset = options.rateLimit?.deepOffset ?? 30_000
  const deepOffsetLimit = options.rateLimit?.deepOffsetLimit ?? 75
  const organizationId = String(100_000 + (seed % 900_000))
  const dataset = Dataset.make({ seed, people, epoch })
  const startedAt = yield* Clock.currentTimeMillis
  const dataNow = Effect.map(Clock.currentTimeMillis, (millis) => epoch + Math.floor((millis - startedAt) / 1000))

  const oauth = yield* FakeOAuthServer.make({
    clientId: options.oauth?.clientId ?? "pco-fake-client",
    clientSecret: options.oauth?.clientSecret ?? "pco-fake-client-secret",
    accessTokenTtlSeconds: options.oauth?.accessTokenTtlSeconds ?? 7200,
    refreshTokenTtlSeconds: options.oauth?.refreshTokenTtlSeconds ?? 90 * 86_400,
    rotateRefreshTokens: true
  })
  const pat = {
    appId: options.personalAccessToken?.appId ?? `app-${seed}`,
    secret: Redacted.make(options.personalAccessToken?.secret ?? `pat-secret-${seed}`)
  }
  const auth = FakeAuth.make({ oauth, personalAccessToken: pat })
  const mac = yield* Effect.gen(function* () {
    return yield* Mac.Mac
  }).pipe(Effect.provide(Mac.layerWebCrypto.pipe(Layer.provide(SecureRandom.layerWebCrypto))))
  const webhooks = WebhookDispatcher.make({ seed, organizationId, mac, delivery: options.webhooks ?? {} })
  const window = RollingWindow.make(periodSeconds * 1000)
  const knownPrincipals = new Set<string>([`pat:${pat.appId}`])
  let limitOverride: number | undefined
  let rejected = 0
  const selections = Selection.makeCache(dataset, timeZone)
  let origin = ""
  const context = (): Render.RenderContext => ({ origin, organizationId, dataset })

  dataset.onChange((change) => {
    webhooks.publish({
      name: `people.v2.events.${typeSpecs[change.type].event}.${change.action}`,
      data:
        change.action === "destroyed"
          ? { type: change.record.type, id: String(change.record.id) }
          : Render.renderResource(context(), change.record),
      eventTime: formatSeconds(change.at)
    })
  })

  // ---- HTTP routes -------------------------------------------------------------------------------------
  const listOf = (request: TestServer.TestRequest, type: FakeType, scope: Dataset.Scope) => {
    const query = ListQuery.parse(request.url.searchParams, typeSpecs[type])
    const ids = selections(type, scope, query)
    return json(200, Render.collectionDocument(context(), { type, url: request.url, query, ids }))
  }
  const listIds = (request: TestServer.TestRequest, type: FakeType, ids: ReadonlyArray<number>) => {
    const query = ListQuery.parse(request.url.searchParams, typeSpecs[type])
    return json(200, Render.collectionDocument(context(), { type, url: request.url, query, ids }))
  }
  const show = (record: FakeRecord | undefined) =>
    record === undefined ? json(404, Render.notFound) : json(200, Render.singleDocument(context(), record))

  const unprocessable = (detail: string, attribute?: string) =>
    json(
      422,
      Render.errorBody(
        422,
        "Unprocessable Entity",
        detail,
        attribute === undefined ? {} : { source: { pointer: `/data/attributes/${attribute}` } }
      )
    )

  type WriteInput =
    | { readonly _tag: "Attributes"; readonly attributes: Readonly<Record<string, unknown>> }
    | { readonly _tag: "Rejected"; readonly response: TestServer.TestResponse }

  const readWrite = (request: TestServer.TestRequest, type: FakeType, id?: number): WriteInput => {
    const rejectWith = (status: number, title: string, detail: string): WriteInput => ({
      _tag: "Rejected",
      response: json(status, Render.errorBody(status, title, detail))
    })
    const body = Writes.decodeWriteBody(request.body)
    if (body._tag === "None") return rejectWith(400, "Bad Request", "The body must be a JSON:API document")
    const data = body.value.data
    if (data.type !== undefined && data.type !== type) {
      return rejectWith(409, "Conflict", `The type ${data.type} does not match ${type}`)
    }
    if (id !== undefined && data.id !== undefined && data.id !== String(id)) {
      return rejectWith(409, "Conflict", "The id does not match the URL")
    }
    return { _tag: "Attributes", attributes: data.attributes ?? {} }
  }

  const create = Effect.fnUntraced(function* (
    request: TestServer.TestRequest,
    type: FakeType,
    owner: number | undefined
  ) {
    const input = readWrite(request, type)
    if (input._tag === "Rejected") return input.response
    const attributes = input.attributes
    const absent = Writes.missing(type, attributes)
    if (absent !== undefined) return unprocessable(`${absent.replace(/_/g, " ")} can't be blank`, absent)
    const wrong = Writes.invalid(type, attributes)
    if (wrong !== undefined) return unprocessable(wrong.detail, wrong.attribute)
    const refs: Record<string, number | null> = {}
    if (type === "FieldDatum") {
      const definition = idOf(String(attributes.field_definition_id))
      if (definition === undefined || dataset.get("FieldDefinition", definition) === undefined) {
        return unprocessable("field definition must exist", "field_definition_id")
      }
      refs.customizable = owner ?? null
      refs.field_definition = definition
    } else if (owner !== undefined) {
      refs.person = owner
    }
    const record = dataset.create(
      type,
      Writes.withDefaults(type, Writes.permitted(type, attributes)),
      refs,
      yield* dataNow
    )
    return json(201, Render.singleDocument(context(), record))
  })

  const update = Effect.fnUntraced(function* (request: TestServer.TestRequest, type: FakeType, id: number) {
    if (dataset.get(type, id) === undefined) return json(404, Render.notFound)
    const input = readWrite(request, type, id)
    if (input._tag === "Rejected") return input.response
    const wrong = Writes.invalid(type, input.attributes)
    if (wrong !== undefined) return unprocessable(wrong.detail, wrong.attribute)
    return show(dataset.update(type, id, Writes.permitted(type, input.attributes), yield* dataNow))
  })

  const destroy = Effect.fnUntraced(function* (type: FakeType, id: number) {
    return dataset.destroy(type, id, yield* dataNow) ? { status: 204 } : json(404, Render.notFound)
  })

  const organization = (): Render.Json => ({
    data: {
      type: "Organization",
      id: organizationId,
      attributes: {
        name: `Fake Church ${seed}`,
        time_zone: timeZone,
        country_code: "US",
        date_format: 1,
        created_at: formatSeconds(epoch - 10 * 365 * 86_400)
      },
      relationships: {},
      links: { self: `${origin}/people/v2` }
    },
    included: [],
    meta: {}
  })

  const peopleRoute = (request: TestServer.TestRequest, rest: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const method = request.method
      const [first, second, third, fourth] = rest
      if (first === undefined)
        return method === "GET"
          ? json(200, organization())
          : json(405, Render.errorBody(405, "Method Not Allowed", method))
      const type = typeOfCollection(first)
      if (rest.length === 1) {
        if (type === undefined) return json(404, Render.notFound)
        if (method === "GET") return listOf(request, type, Dataset.all)
        if (method === "POST" && type === "Person") return yield* create(request, type, undefined)
        return json(405, Render.errorBody(405, "Method Not Allowed", `${method} is not allowed here`))
      }
      const id = idOf(second)
      if (id === undefined || (type === undefined && first !== "households")) return json(404, Render.notFound)
      if (rest.length === 2 && type !== undefined) {
        switch (method) {
          case "GET":
            return show(dataset.get(type, id))
          case "PATCH":
            return isWritable(type)
              ? yield* update(request, type, id)
              : json(405, Render.errorBody(405, "Method Not Allowed", method))
          case "DELETE":
            return isWritable(type)
              ? yield* destroy(type, id)
              : json(405, Render.errorBody(405, "Method Not Allowed", method))
          default:
            return json(405, Render.errorBody(405, "Method Not Allowed", method))
        }
      }
      if (first === "people" && third !== undefined && rest.length === 3) {
        const person = dataset.get("Person", id)
        if (person === undefined) return json(404, Render.notFound)
        if (third === "households" && method === "GET") {
          return listIds(
            request,
            "Household",
            dataset.related(person, "households").map((h) => h.id)
          )
        }
        const child = childCollections[third]
        if (child === undefined) return json(404, Render.notFound)
        if (method === "GET") return listOf(request, child, { _tag: "Person", id })
        if (method === "POST" && child !== "HouseholdMembership") return yield* create(request, child, id)
        return json(405, Render.errorBody(405, "Method Not Allowed", method))
      }
      if (first === "households" && third !== undefined) {
        const household = dataset.get("Household", id)
        if (household === undefined || method !== "GET") return json(404, Render.notFound)
        if (third === "people" && rest.length === 3) {
          return listIds(
            request,
            "Person",
            dataset.related(household, "people").map((p) => p.id)
          )
        }
        if (third !== "household_memberships") return json(404, Render.notFound)
        if (rest.length === 3) return listOf(request, "HouseholdMembership", { _tag: "Household", id })
        const membershipId = idOf(fourth)
        const membership = membershipId === undefined ? undefined : dataset.get("HouseholdMembership", membershipId)
        return show(membership?.refs.household === id ? membership : undefined)
      }
      return json(404, Render.notFound)
    })

  const renderSubscription = (subscription: WebhookDispatcher.FakeSubscription): Render.Json => ({
    type: "WebhookSubscription",
    id: String(subscription.id),
    attributes: {
      name: subscription.name,
      url: subscription.url,
      active: subscription.active,
      authenticity_secret: Redacted.value(subscription.secret),
      application_id: pat.appId,
      created_at: formatSeconds(subscription.createdAt),
      updated_at: formatSeconds(subscription.updatedAt)
    },
    relationships: {},
    links: { self: `${origin}/webhooks/v2/webhook_subscriptions/${subscription.id}` }
  })

  const webhooksRoute = (request: TestServer.TestRequest, rest: ReadonlyArray<string>, version: string) =>
    Effect.gen(function* () {
      const [collection, idText, action] = rest
      // Before 2022-10-20 the resource was `Subscription` at another path.
      if (collection !== "webhook_subscriptions" || version < firstWebhooksVersion) return json(404, Render.notFound)
      const at = yield* dataNow
      if (idText === undefined) {
        if (request.method === "GET") {
          const all = webhooks.subscriptions()
          return json(200, {
            links: { self: `${origin}${request.url.pathname}` },
            data: all.map(renderSubscription),
            included: [],
            meta: { total_count: all.length, count: all.length }
          })
        }
        if (request.method !== "POST") return json(405, Render.errorBody(405, "Method Not Allowed", request.method))
        const body = Writes.decodeWriteBody(request.body)
        if (body._tag === "None")
          return json(400, Render.errorBody(400, "Bad Request", "The body must be a JSON:API document"))
        const data = body.value.data.attributes ?? {}
        const name = typeof data.name === "string" ? data.name : undefined
        const url = typeof data.url === "string" ? data.url : undefined
        if (name === undefined || !name.startsWith("people.v2.events."))
          return unprocessable("name is not a known event", "name")
        if (url === undefined || !URL.canParse(url)) return unprocessable("url must be an absolute URL", "url")
        if (webhooks.subscriptions().some((s) => s.name === name && s.url === url)) {
          return unprocessable("a subscription for this event and URL exists", "name")
        }
        const active = typeof data.active === "boolean" ? data.active : true
        return json(201, {
          data: renderSubscription(webhooks.subscribe({ name, url, active }, at)),
          included: [],
          meta: {}
        })
      }
      const id = idOf(idText)
      const subscription = id === undefined ? undefined : webhooks.subscription(id)
      if (id === undefined || subscription === undefined) return json(404, Render.notFound)
      if (action === "rotate_secret" && request.method === "POST") {
        const rotated = webhooks.rotateSecret(id, at)
        return rotated === undefined
          ? json(404, Render.notFound)
          : json(200, { data: renderSubscription(rotated), included: [], meta: {} })
      }
      if (action !== undefined) return json(404, Render.notFound)
      switch (request.method) {
        case "GET":
          return json(200, { data: renderSubscription(subscription), included: [], meta: {} })
        case "PATCH": {
          const body = Writes.decodeWriteBody(request.body)
          const active = body._tag === "Some" ? body.value.data.attributes?.active : undefined
          if (typeof active !== "boolean") return unprocessable("only active can be changed", "active")
          const changed = webhooks.setActive(id, active, at)
          return changed === undefined
            ? json(404, Render.notFound)
            : json(200, { data: renderSubscription(changed), included: [], meta: {} })
        }
        case "DELETE":
          webhooks.unsubscribe(id)
          return { status: 204 }
        default:
          return json(405, Render.errorBody(405, "Method Not Allowed", request.method))
      }
    })

  const handle = Effect.fnUntraced(function* (request: TestServer.TestRequest) {
    const path = request.url.pathname.replace(/\/+$/, "")
    if (path.startsWith("/oauth/")) return yield* auth.proxy(request)
    const principal = yield* auth.authenticate(request)
    if (!isPrincipal(principal)) return principal
    knownPrincipals.add(principal.key)
    const requested = request.headers["x-pco-api-version"]?.trim()
    if (requested !== undefined && (!versionPattern.test(requested) || requested < "2018-08-01")) {
      return json(
        400,
        Render.errorBody(400, "Unsupported Version", `The API version ${requested} is not supported`, {
          code: "unsupported_version_error"
        })
      )
    }
    const now = yield* Clock.currentTimeMillis
    const configured = limitOverride ?? options.rateLimit?.limit ?? 100
    const deep = ListQuery.parseOffset(request.url.searchParams) > deepOffset
    const admission = window.hit(principal.key, now, deep ? Math.min(configured, deepOffsetLimit) : configured)
    const rateHeaders = {
      "x-pco-api-request-rate-limit": String(admission.limit),
      "x-pco-api-request-rate-period": `${periodSeconds} seconds`,
      "x-pco-api-request-rate-count": String(admission.count)
    }
    if (admission.rejected) {
      rejected += 1
      return json(
        429,
        Render.errorBody(
          429,
          "Too Many Requests",
          `Rate limit exceeded: ${admission.count} of ${admission.limit} requests per ${periodSeconds} seconds`,
          { code: "429" }
        ),
        { ...rateHeaders, "retry-after": String(admission.retryAfterSeconds) }
      )
    }
    const [app, apiVersion, ...rest] = path.split("/").filter((segment) => segment !== "")
    let response: TestServer.TestResponse
    let processedAs: string | undefined
    if (app === "people" && apiVersion === "v2") {
      processedAs = [...peopleVersions].reverse().find((v) => v <= (requested ?? defaultVersion)) ?? defaultVersion
      response = FakeAuth.hasScope(principal, "people")
        ? yield* peopleRoute(request, rest)
        : json(403, Render.errorBody(403, "Forbidden", "The token is missing the people scope", { code: "PELICAN" }))
    } else if (app === "webhooks" && apiVersion === "v2") {
      processedAs = requested ?? firstWebhooksVersion
      response = FakeAuth.hasScope(principal, "webhooks")
        ? yield* webhooksRoute(request, rest, processedAs)
        : json(403, Render.errorBody(403, "Forbidden", "The token is missing the webhooks scope", { code: "PELICAN" }))
    } else {
      response = json(404, Render.notFound)
    }
    return {
      ...response,
      headers: {
        ...response.headers,
        ...rateHeaders,
        ...(processedAs === undefined ? {} : { "x-pco-api-processed-as-version": processedAs })
      }
    }
  })

  const server = yield* TestServer.make(handle)
  origin = server.baseUrl

  // ---- controls ----------------------------------------------------------------------------------------
  const scopeOf = (scope: { readonly person?: string; readonly household?: string } | undefined): Dataset.Scope => {
    const person = idOf(scope?.person)
    const household = idOf(scope?.household)
    return person !== undefined
      ? { _tag: "Person", id: person }
      : household !== undefined
        ? { _tag: "Household", id: household }
        : Dataset.all
  }
  const current = (type: FakeType, id: number) => dataset.get(type, id)
  const render = (record: FakeRecord) => Render.renderResource(context(), record)

  const truth: GroundTruth = {
    count: (type, scope) => {
      let n = 0
      for (const _ of dataset.ids(type, scopeOf(scope))) n++
      return n
    },
    ids: (type) => Array.from(dataset.ids(type, Dataset.all), String),
    get: (type, id) => {
      const n = idOf(id)
      const record = n === undefined ? undefined : current(type, n)
      return record === undefined ? undefined : render(record)
    },
    all: (type) => ({
      *[Symbol.iterator]() {
        for (const id of dataset.ids(type, Dataset.all)) {
          const record = current(type, id)
          if (record !== undefined) yield render(record)
        }
      }
    }),
    changedSince: (type, since) => {
      const at = Math.floor(Date.parse(since) / 1000)
      const field = type === "PersonMerger" ? "createdAt" : "updatedAt"
      const out: Array<string> = []
      for (const id of dataset.ids(type, Dataset.all)) {
        const record = current(type, id)
        if (record !== undefined && record[field] >= at) out.push(String(id))
      }
      return out
    },
    latestUpdate: (type) => {
      let latest: number | undefined
      for (const id of dataset.ids(type, Dataset.all)) {
        const record = current(type, id)
        if (record !== undefined && (latest === undefined || record.updatedAt > latest)) latest = record.updatedAt
      }
      return latest === undefined ? undefined : formatSeconds(latest)
    }
  }

  const draws = { n: 0 }
  const mutate: Mutations = {
    create: (type, attributes, parent) =>
      Effect.map(dataNow, (at) => {
        const person = idOf(parent?.person)
        const definition = idOf(parent?.fieldDefinition)
        const refs: Record<string, number | null> =
          type === "FieldDatum"
            ? { customizable: person ?? null, field_definition: definition ?? null }
            : person === undefined
              ? {}
              : { person }
        return render(dataset.create(type, Writes.withDefaults(type, attributes), refs, at))
      }),
    update: (type, id, attributes = {}) =>
      Effect.map(dataNow, (at) => {
        const n = idOf(id)
        const record = n === undefined ? undefined : dataset.update(type, n, attributes, at)
        return record === undefined ? undefined : render(record)
      }),
    destroy: (type, id) =>
      Effect.map(dataNow, (at) => {
        const n = idOf(id)
        return n !== undefined && dataset.destroy(type, n, at)
      }),
    mergePeople: (keepId, removeId) =>
      Effect.map(dataNow, (at) => {
        const keep = idOf(keepId)
        const remove = idOf(removeId)
        const merger = keep === undefined || remove === undefined ? undefined : dataset.merge(keep, remove, at)
        return merger === undefined ? undefined : render(merger)
      }),
    random: (count) =>
      Effect.map(dataNow, (at) => {
        const out: Array<{ action: "created" | "updated" | "destroyed"; type: FakeType; id: string }> = []
        const draw = () => Prng.unit(seed, 0xd1ce, draws.n++)
        const anyPerson = () => {
          const ids = Array.from(dataset.ids("Person", Dataset.all))
          return ids[Math.floor(draw() * ids.length)]
        }
        for (let k = 0; k < count; k++) {
          const roll = draw()
          const personId = anyPerson()
          if (personId === undefined) break
          if (roll < 0.5) {
            const record = dataset.update(
              "Person",
              personId,
              { membership: roll < 0.25 ? "Member" : "Regular Attender" },
              at
            )
            if (record !== undefined) out.push({ action: "updated", type: "Person", id: String(record.id) })
          } else if (roll < 0.7) {
            const record = dataset.create(
              "Person",
              Writes.withDefaults("Person", { first_name: "New", last_name: `Visitor ${draws.n}` }),
              {},
              at
            )
            out.push({ action: "created", type: "Person", id: String(record.id) })
          } else if (roll < 0.85) {
            const record = dataset.create(
              "Email",
              Writes.withDefaults("Email", { address: `added${draws.n}@example.org` }),
              { person: personId },
              at
            )
            out.push({ action: "created", type: "Email", id: String(record.id) })
          } else if (dataset.destroy("Person", personId, at)) {
            out.push({ action: "destroyed", type: "Person", id: String(personId) })
          }
        }
        return out
      })
  }

  const rateLimit: RateLimitControl = {
    setLimit: (limit) =>
      Effect.sync(() => {
        limitOverride = limit
      }),
    consume: (count) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        for (const key of [...knownPrincipals, `oauth:${options.oauth?.clientId ?? "pco-fake-client"}`]) {
          knownPrincipals.add(key)
          window.consume(key, now, count)
        }
      }),
    rejected: Effect.sync(() => rejected)
  }

  const fakeWebhooks: FakeWebhooks = {
    subscribe: ({ name, url }) =>
      Effect.map(dataNow, (at) => {
        const subscription = webhooks.subscribe({ name, url }, at)
        return { id: String(subscription.id), secret: subscription.secret }
      }),
    deliver: webhooks.deliver,
    pending: Effect.sync(webhooks.pending),
    attempts: Effect.sync(webhooks.attempts),
    subscription: (id) => Effect.sync(() => (idOf(id) === undefined ? undefined : webhooks.subscription(Number(id))))
  }

  return {
    baseUrl: server.baseUrl,
    organizationId,
    personalAccessToken: PcoAuth.personalAccessToken(pat.appId, pat.secret),
    oauthCredentials: (credentialOptions = {}) =>
      PcoAuth.oauth2({
        clientId: options.oauth?.clientId ?? "pco-fake-client",
        clientSecret: options.oauth?.clientSecret ?? "pco-fake-client-secret",
        redirectUri: oauth.redirectUri,
        scopes: credentialOptions.scopes ?? ["people"],
        baseUrl: server.baseUrl
      }),
    issueCode: (codeOptions = {}) => oauth.issueCode({ scope: codeOptions.scope ?? "people" }),
    oauth,
    truth,
    mutate,
    rateLimit,
    webhooks: fakeWebhooks,
    requests: server.requests
  }
})
