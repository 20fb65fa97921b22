/**
 * Shared fixtures of the two-way tests: the fake Planning Center with the PCO adapter on it, a
 * two-way definition of its people into a table, the table's rows and the fake's people as plain
 * field values, and the time the fake stamps its changes with.
 */
import type { Adapter } from "@syncflow/adapter-core"
import { PcoAdapter, PcoClient } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import { Clock, Context, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { TwoWaySettings } from "../../src/bidirectional/TwoWaySettings.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { engineLayer } from "../pipeline/fixtures.ts"

/** The engine, the state stores and the definitions on a fresh test database. */
export const twoWayLayer = SyncDefinitions.layer.pipe(Layer.provideMerge(engineLayer))

/** The data's "now" of the fakes (their clock starts there when the test's clock is at 0). */
export const fakeEpoch = Date.parse("2026-01-15T12:00:00Z")

/** The synced fields of the tests: names both ways, membership pulled only, medical notes pushed only. */
export const fields = ["first_name", "last_name", "nickname", "membership", "medical_notes"] as const

/** The settings of the tests' definitions, with `extra` over them. */
export const settingsWith = (extra: Omit<TwoWaySettings, "fields">): TwoWaySettings => ({
  fields: {
    first_name: {},
    last_name: {},
    nickname: {},
    membership: { direction: "pull" },
    medical_notes: { direction: "push" }
  },
  ...extra
})

/** A fake Planning Center, the PCO adapter on it, a connector `connectorId` and the adapters for it. */
export const fakePco = Effect.fnUntraced(function* (connectorId: string, seed: number) {
  const startedAt = yield* Clock.currentTimeMillis
  const fake = yield* FakePco.make({ people: 12, seed })
  /** The fake's "now" as a timestamp (what its changes are stamped with, to the second). */
  const now = Effect.map(
    Clock.currentTimeMillis,
    (millis) => new Date(fakeEpoch + Math.floor((millis - startedAt) / 1000) * 1000)
  )
  const services = yield* Layer.build(
    PcoAdapter.layer.pipe(
      Layer.provide(
        PcoClient.layerStandalone({
          connectionId: connectorId,
          credentials: fake.personalAccessToken,
          baseUrl: fake.baseUrl
        })
      )
    )
  )
  const adapter: Adapter = Context.get(services, PcoAdapter)
  yield* (yield* ConnectorStore).createConnector({ id: connectorId, adapter: "pco", name: connectorId })
  yield* (yield* ManifestStore).saveManifests(connectorId, yield* adapter.manifests)
  const adapters = Layer.succeed(ConnectorAdapters, {
    runtime: () => Effect.succeed({ adapter, stages: () => undefined })
  })
  return { fake, adapter, adapters, now }
})

/** Creates the two-way definition `id` of the connector's people into the table `id` of schema `twoway`. */
export const twoWayDefinition = (id: string, connectorId: string, settings: TwoWaySettings) =>
  createDefinition({
    id,
    name: id,
    source: { connectorId, entity: "person" },
    destination: { kind: "postgres", schema: "twoway", table: id },
    direction: "bidirectional",
    bidirectional: settings
  })

/** A record's synced fields as text (or null), by field name. */
export type Fields = Readonly<Record<string, string | null>>

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value))

/** A person as the fake holds it (its synced fields), or `null` when it does not exist. */
export const personOf = (fake: FakePco.FakePco, id: string): Fields | null => {
  const person = fake.truth.get("Person", id)
  if (person === undefined) return null
  const attributes = person.attributes as Readonly<Record<string, unknown>>
  return Object.fromEntries(fields.map((f) => [f, text(attributes[f])]))
}

/** A row of the table: its synced fields, connector id and soft-delete mark. */
export interface StoredRow {
  readonly sourceId: string | null
  readonly deleted: boolean
  readonly values: Fields
}

/** The table's rows by `_key`. */
export const tableRows = Effect.fnUntraced(function* (table: string) {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql.unsafe<Record<string, unknown>>(
    `SELECT _key, _source_id, _deleted, ${fields.map((f) => `${f}::text AS ${f}`).join(", ")} FROM twoway."${table}"`
  )
  return new Map(
    rows.map((row) => [
      String(row._key),
      {
        sourceId: text(row._source_id),
        deleted: row._deleted === true,
        values: Object.fromEntries(fields.map((f) => [f, text(row[f])]))
      } satisfies StoredRow
    ])
  )
})

/** How many write requests (not GET) the fake received so far. */
export const fakeWrites = (fake: FakePco.FakePco) =>
  Effect.map(
    fake.requests,
    (requests) => requests.filter((r) => r.method !== "GET" && !r.url.pathname.startsWith("/oauth")).length
  )
