/**
 * The fake's webhooks: subscriptions (one per event name, each with its own secret), and the
 * deliveries of every change to the active subscriptions of its event — signed with the hex
 * HMAC-SHA256 of the raw body, at least once (optionally duplicated and reordered, seeded),
 * retried on anything but success with a doubling delay, and a 410 deactivates the subscription.
 *
 * Deliveries go out when the test calls `deliver` (those that are due by the fake's clock), so a
 * test decides when, and `TestClock` drives the retry schedule.
 */
import { Clock, Effect, Redacted } from "effect"
import { Mac } from "effect/crypto"
import * as WebhookSignature from "../webhooks/WebhookSignature.ts"
import * as Prng from "./Prng.ts"
import type { Json } from "./Render.ts"

/** How deliveries behave. */
export interface WebhookDeliveryOptions {
  /** The share of events delivered twice (0 to 1, seeded); 0 by default. */
  readonly duplicateRate?: number | undefined
  /** Whether due deliveries go out in a shuffled (seeded) order; false by default. */
  readonly reorder?: boolean | undefined
  /** What counts as delivered: only 200 (Planning Center's documented rule, the default) or any 2xx. */
  readonly success?: "200" | "2xx" | undefined
  /** The first retry delay in seconds, doubling each time; 30 by default. */
  readonly retryBaseSeconds?: number | undefined
  /** Retries after the first attempt; 16 by default. */
  readonly maxRetries?: number | undefined
}

/** A webhook subscription of the fake. */
export interface FakeSubscription {
  readonly id: number
  /** The event name, e.g. `people.v2.events.person.created`. */
  readonly name: string
  readonly url: string
  readonly active: boolean
  readonly secret: Redacted.Redacted<string>
  readonly createdAt: number
  readonly updatedAt: number
}

/** One delivery attempt, as the fake made it. */
export interface DeliveryAttempt {
  readonly eventId: string
  readonly name: string
  readonly subscriptionId: number
  readonly url: string
  readonly attempt: number
  /** The receiver's status, or 0 when it could not be reached. */
  readonly status: number
  readonly delivered: boolean
  /** The exact body sent (what the signature covers). */
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

interface Pending {
  readonly eventId: string
  readonly name: string
  readonly payload: string
  readonly eventTime: string
  readonly subscriptionId: number
  readonly attempt: number
  /** When it is due, in clock milliseconds. */
  readonly dueAt: number
}

/** The fake's webhook subscriptions and deliveries. */
export interface WebhookDispatcher {
  readonly subscribe: (
    options: { readonly name: string; readonly url: string; readonly active?: boolean | undefined },
    at: number
  ) => FakeSubscription
  readonly subscriptions: () => ReadonlyArray<FakeSubscription>
  readonly subscription: (id: number) => FakeSubscription | undefined
  readonly setActive: (id: number, active: boolean, at: number) => FakeSubscription | undefined
  readonly rotateSecret: (id: number, at: number) => FakeSubscription | undefined
  readonly unsubscribe: (id: number) => boolean
  /** Queues an event for the active subscriptions of its name. */
  readonly publish: (event: { readonly name: string; readonly data: Json; readonly eventTime: string }) => void
  /** Sends every delivery due by the clock; answers what was attempted. */
  readonly deliver: Effect.Effect<ReadonlyArray<DeliveryAttempt>>
  /** Deliveries waiting (due or scheduled for a retry). */
  readonly pending: () => number
  /** Every attempt so far. */
  readonly attempts: () => ReadonlyArray<DeliveryAttempt>
}

const hex = (seed: number, ...keys: ReadonlyArray<number>): string =>
  Prng.hash32(seed, ...keys)
    .toString(16)
    .padStart(8, "0")

/** A dispatcher whose secrets and event ids derive from `seed`. */
export const make = (options: {
  readonly seed: number
  readonly organizationId: string
  readonly mac: Mac.Mac["Service"]
  readonly delivery: WebhookDeliveryOptions
}): WebhookDispatcher => {
  const { seed, organizationId, delivery } = options
  const subscriptions = new Map<number, FakeSubscription>()
  let pending: Array<Pending> = []
  const attempts: Array<DeliveryAttempt> = []
  let nextSubscription = 1
  let nextEvent = 1
  let secretCounter = 0
  const draws = Prng.sequence(seed, 0x77eb)
  const success = (status: number) => (delivery.success === "2xx" ? status >= 200 && status < 300 : status === 200)
  const retryBaseMillis = (delivery.retryBaseSeconds ?? 30) * 1000
  const maxRetries = delivery.maxRetries ?? 16

  const newSecret = () => {
    secretCounter += 1
    return Redacted.make(Array.from({ length: 8 }, (_, k) => hex(seed, 0x5ec, secretCounter, k)).join(""))
  }

  const update = (id: number, change: (s: FakeSubscription) => FakeSubscription) => {
    const current = subscriptions.get(id)
    if (current === undefined) return undefined
    const next = change(current)
    subscriptions.set(id, next)
    return next
  }

  const send = Effect.fnUntraced(function* (item: Pending, subscription: FakeSubscription) {
    const body = JSON.stringify({
      data: [
        {
          id: item.eventId,
          type: "EventDelivery",
          attributes: { name: item.name, attempt: item.attempt, payload: item.payload },
          relationships: { organization: { data: { type: "Organization", id: organizationId } } }
        }
      ]
    })
    const signature = yield* WebhookSignature.sign(subscription.secret, body).pipe(Effect.orDie)
    const headers = {
      "content-type": "application/json",
      "x-pco-webhooks-authenticity": signature,
      "x-pco-webhooks-event": item.name,
      "x-pco-webhooks-name": item.name,
      "x-pco-webhooks-event-id": item.eventId,
      "x-pco-webhooks-event-time": item.eventTime,
      "x-pco-webhooks-attempt": String(item.attempt)
    }
    const status = yield* Effect.tryPromise((signal) =>
      globalThis.fetch(subscription.url, { method: "POST", headers, body, signal }).then(async (response) => {
        await response.arrayBuffer()
        return response.status
      })
    ).pipe(Effect.orElseSucceed(() => 0))
    const attempt: DeliveryAttempt = {
      eventId: item.eventId,
      name: item.name,
      subscriptionId: subscription.id,
      url: subscription.url,
      attempt: item.attempt,
      status,
      delivered: success(status),
      body,
      headers
    }
    attempts.push(attempt)
    return attempt
  })

  const deliver = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const due = pending.filter((item) => item.dueAt <= now)
    pending = pending.filter((item) => item.dueAt > now)
    const ordered = delivery.reorder === true ? Prng.shuffle(due, draws.next) : due
    const out: Array<DeliveryAttempt> = []
    for (const item of ordered) {
      const subscription = subscriptions.get(item.subscriptionId)
      if (subscription === undefined || !subscription.active) continue
      const attempt = yield* send(item, subscription).pipe(Effect.provideService(Mac.Mac, options.mac))
      out.push(attempt)
      if (attempt.delivered) continue
      if (attempt.status === 410) {
        update(subscription.id, (s) => ({ ...s, active: false }))
        pending = pending.filter((p) => p.subscriptionId !== subscription.id)
        continue
      }
      if (item.attempt <= maxRetries) {
        const at = yield* Clock.currentTimeMillis
        pending.push({ ...item, attempt: item.attempt + 1, dueAt: at + retryBaseMillis * 2 ** (item.attempt - 1) })
      }
    }
    return out
  })

  return {
    subscribe: ({ name, url, active }, at) => {
      const subscription: FakeSubscription = {
        id: nextSubscription++,
        name,
        url,
        active: active ?? true,
        secret: newSecret(),
        createdAt: at,
        updatedAt: at
      }
      subscriptions.set(subscription.id, subscription)
      return subscription
    },
    subscriptions: () => Array.from(subscriptions.values()),
    subscription: (id) => subscriptions.get(id),
    setActive: (id, active, at) => update(id, (s) => ({ ...s, active, updatedAt: at })),
    rotateSecret: (id, at) => update(id, (s) => ({ ...s, secret: newSecret(), updatedAt: at })),
    unsubscribe: (id) => {
      pending = pending.filter((p) => p.subscriptionId !== id)
      return subscriptions.delete(id)
    },
    publish: ({ name, data, eventTime }) => {
      for (const subscription of subscriptions.values()) {
        if (!subscription.active || subscription.name !== name) continue
        const n = nextEvent++
        const eventId = `${hex(seed, 0xe7, n, 0)}-${hex(seed, 0xe7, n, 1).slice(0, 4)}-${hex(seed, 0xe7, n, 2).slice(0, 4)}-${hex(seed, 0xe7, n, 3)}`
        const payload = JSON.stringify({
          data,
          included: [],
          meta: {
            can_include: [],
            parent: { id: organizationId, type: "Organization" },
            event_time: eventTime,
            idempotency_token: `${hex(seed, 0x1d, n, 0)}${hex(seed, 0x1d, n, 1)}`
          }
        })
        const item: Pending = {
          eventId,
          name,
          payload,
          eventTime,
          subscriptionId: subscription.id,
          attempt: 1,
          dueAt: 0
        }
        pending.push(item)
        if (draws.next() < (delivery.duplicateRate ?? 0)) pending.push(item)
      }
    },
    deliver,
    pending: () => pending.length,
    attempts: () => attempts
  }
}
