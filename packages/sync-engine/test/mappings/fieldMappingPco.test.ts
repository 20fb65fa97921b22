/**
 * A definition's field mapping on Planning Center data (the fake PCO over real HTTP): phone numbers
 * as people enter them (`(555) 555-0123`) become E.164 through `format phone`, equal to the E.164
 * form the fake's ground truth holds; `lower` case and a `custom` expression on the same
 * rows give what the truth says.
 */
import { assert, layer } from "@effect/vitest"
import { PcoAdapter, PcoClient } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import { Context, Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { FieldMappings } from "../../src/mappings/FieldMappings.ts"
import { setFieldMapping } from "../../src/mappings/setFieldMapping.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { engineLayer } from "../pipeline/fixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, FieldMappings.layer).pipe(Layer.provideMerge(engineLayer))

layer(testLayer, { timeout: 120_000, excludeTestServices: true })(
  "a definition's field mapping on the fake PCO",
  (it) => {
    it.effect("formats people's phone numbers to E.164, as the truth holds them", () =>
      Effect.gen(function* () {
        const fake = yield* FakePco.make({ people: 30, seed: 19 })
        const services = yield* Layer.build(
          PcoAdapter.layer.pipe(
            Layer.provide(
              PcoClient.layerStandalone({
                connectionId: "pco",
                credentials: fake.personalAccessToken,
                baseUrl: fake.baseUrl
              })
            )
          )
        )
        const adapter = Context.get(services, PcoAdapter)
        yield* (yield* ConnectorStore).createConnector({ id: "pco", adapter: "pco", name: "Church" })
        yield* (yield* ManifestStore).saveManifests("pco", yield* adapter.manifests)
        const adapters = Layer.succeed(ConnectorAdapters, {
          runtime: () => Effect.succeed({ adapter, stages: () => undefined })
        })
        yield* createDefinition({
          id: "phones",
          name: "Phones",
          source: { connectorId: "pco", entity: "phone_number" },
          destination: { kind: "postgres", table: "phones" }
        }).pipe(Effect.provide(adapters))
        yield* setFieldMapping("phones", {
          entries: [
            { source: "id", target: "id" },
            { source: "number", target: "e164", transform: { kind: "format", format: "phone", country: "US" } },
            { source: "location", target: "location", transform: { kind: "format", format: "lower" } },
            {
              target: "label",
              transform: { kind: "custom", expression: "primary ? 'primary ' + location : location" },
              type: "string"
            }
          ]
        }).pipe(Effect.provide(adapters))
        const definition = Option.getOrThrow(yield* (yield* SyncDefinitions).get("phones"))
        const summary = yield* runDefinition(definition).pipe(Effect.provide(adapters))
        const truth = [...fake.truth.all("PhoneNumber")]
        assert.isAbove(truth.length, 0)
        assert.deepInclude(summary.counts, { fetched: truth.length, inserted: truth.length, failed: 0 })

        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{
          readonly id: string
          readonly e164: string
          readonly location: string | null
          readonly label: string | null
        }>`
        SELECT id::text AS id, e164, location, label FROM pco.phones WHERE NOT _deleted`
        const expected = truth.map((phone) => {
          const a = phone.attributes
          const location = a.location === null ? null : String(a.location)
          return [
            phone.id,
            String(a.e164),
            location === null ? null : location.toLowerCase(),
            a.primary === true ? `primary ${location}` : location
          ]
        })
        assert.sameDeepMembers(
          rows.map((r) => [r.id, r.e164, r.location, r.label]),
          expected
        )
        // The numbers really were written otherwise at the source.
        assert.isTrue(truth.every((phone) => phone.attributes.number !== phone.attributes.e164))
      }).pipe(Effect.scoped)
    )
  }
)
