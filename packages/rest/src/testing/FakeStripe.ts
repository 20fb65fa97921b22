/**
 * A small Stripe-style API on loopback HTTP, for tests and the README's example: customers as
 * `{object: "list", data: [...], has_more}`, newest first, paged with `limit` and `starting_after`
 * (the last id of the previous page), filtered with `created[gte]` (Unix seconds). Requests
 * authenticate with the secret key as HTTP Basic user name (or as a bearer token), as Stripe's do.
 */
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, type Scope } from "effect"

/** A customer as the fake serves it. */
export interface FakeCustomer {
  readonly id: string
  readonly object: "customer"
  readonly email: string
  readonly name: string
  /** Unix seconds. */
  readonly created: number
  readonly balance: number
  readonly address: { readonly city: string; readonly country: string }
  readonly metadata: Readonly<Record<string, string>>
}

/** Options of the fake. */
export interface FakeStripeOptions {
  readonly customers?: number
  /** The secret key requests must carry; any request is accepted when absent. */
  readonly secretKey?: string | undefined
}

/** A running fake Stripe. */
export interface FakeStripe {
  readonly baseUrl: string
  /** The ground truth, newest first (as listed). */
  readonly customers: ReadonlyArray<FakeCustomer>
  /** Adds a customer created at `created` (Unix seconds). */
  readonly addCustomer: (created: number) => FakeCustomer
  /** While on, list answers carry `data` as an object instead of an array (an undeclared shape). */
  readonly breakShape: (on: boolean) => void
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

const cities = ["Berlin", "Lyon", "Austin", "Osaka"] as const

/** Starts the fake for the life of the scope. */
export const make = Effect.fnUntraced(function* (
  options: FakeStripeOptions = {}
): Effect.fn.Return<FakeStripe, never, Scope.Scope> {
  const customers: Array<FakeCustomer> = []
  let broken = false
  const customer = (n: number, created: number): FakeCustomer => ({
    id: `cus_${String(n).padStart(6, "0")}`,
    object: "customer",
    email: `customer${n}@example.com`,
    name: `Customer ${n}`,
    created,
    balance: (n * 137) % 5000,
    address: { city: cities[n % cities.length] ?? "Berlin", country: n % 2 === 0 ? "DE" : "US" },
    metadata: n % 3 === 0 ? { tier: "gold" } : {}
  })
  const addCustomer = (created: number) => {
    const added = customer(customers.length + 1, created)
    customers.push(added)
    customers.sort((a, b) => b.created - a.created || b.id.localeCompare(a.id))
    return added
  }
  for (let n = 0; n < (options.customers ?? 25); n++) addCustomer(1_700_000_000 + n * 600)

  const authorized = (request: TestServer.TestRequest): boolean => {
    if (options.secretKey === undefined) return true
    const header = request.headers.authorization ?? ""
    if (header === `Bearer ${options.secretKey}`) return true
    if (!header.startsWith("Basic ")) return false
    return Buffer.from(header.slice(6), "base64").toString("utf8").split(":")[0] === options.secretKey
  }

  const server = yield* TestServer.make((request) =>
    Effect.sync((): TestServer.TestResponse => {
      if (!authorized(request)) {
        return { status: 401, body: { error: { type: "invalid_request_error", message: "Invalid API Key provided" } } }
      }
      if (request.url.pathname !== "/v1/customers") {
        return { status: 404, body: { error: { type: "invalid_request_error", message: "Unrecognized request URL" } } }
      }
      const params = request.url.searchParams
      const limit = Math.min(100, Number(params.get("limit") ?? "10"))
      const gte = params.get("created[gte]")
      const after = params.get("starting_after")
      const listed = customers.filter((c) => gte === null || c.created >= Number(gte))
      const start = after === null ? 0 : listed.findIndex((c) => c.id === after) + 1
      if (after !== null && start === 0) {
        return {
          status: 400,
          body: { error: { type: "invalid_request_error", message: `No such customer: '${after}'` } }
        }
      }
      const data = listed.slice(start, start + limit)
      return {
        body: {
          object: "list",
          url: "/v1/customers",
          has_more: start + limit < listed.length,
          data: broken ? { first: data[0] } : data
        }
      }
    })
  )
  return {
    baseUrl: server.baseUrl,
    customers,
    addCustomer,
    breakShape: (on) => {
      broken = on
    },
    requests: server.requests
  }
})
