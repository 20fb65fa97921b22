/**
 * Type-checked (never run) in the fresh project: the packed declarations carry real types, so
 * each misuse below must be a type error. Were a declaration to resolve to `any`, the unused
 * `@ts-expect-error` would fail the check.
 */
import { ApiSmithCredentials } from "@syncflow/apismith"
import { FakeErp } from "@syncflow/apismith/testing"
import { PcoAuth } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import type { Effect } from "effect"

// @ts-expect-error a service JWT needs its secret
export const noSecret = ApiSmithCredentials.serviceJwt({})
// @ts-expect-error the number of people is a number
export const badFake = FakePco.make({ people: "many" })
// @ts-expect-error a personal access token is an application id and a secret
export const badToken = PcoAuth.personalAccessToken(1)
// @ts-expect-error the fake ERP's rows are counts per API
export const badErp = FakeErp.make({ rows: { items: "all" } })
export const ok: Effect.Effect<unknown, unknown, unknown> = FakeErp.make({ rows: { items: 1 } })
