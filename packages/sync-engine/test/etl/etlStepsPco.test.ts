/**
 * ETL steps on real synced Planning Center data (the fake PCO over real HTTP), each table compared
 * with the expected rows computed here from the fake's ground truth, after a first run and again
 * after other users' changes (people and emails updated, created and deleted) and a complete listing:
 * - aggregate: every person's number of emails, kept from the changes;
 * - filter, join, deduplicate: each person's home emails, with the person's name from the synced
 *   people table (an inner join), one row per person (the email with the greatest id wins);
 * - map: the address renamed, the location dropped;
 * - normalize, split: each person's name upper-cased (the normalizer's field transforms), then into
 *   child rows, one per word, with the person's id and position;
 * - filter, lookup, deduplicate: each person's work email with the greatest id, with the person's name
 *   looked up in the synced people table (a left join: an email whose person is gone keeps null);
 * - merge: every person with one contact email, merged from the home and the work emails' tables by
 *   the person's id (the work address first, else the home one), the name the person's own;
 * - the runs record each step's rows in, out and skipped;
 * - Planning Center declares no fields, so steps that name fields are refused (naming the step's
 *   field) until the definition's field mapping declares them, and a mapping that drops a field a
 *   step reads is refused likewise.
 */
import { assert, layer } from "@effect/vitest"
import { PcoAdapter, PcoClient } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import { Context, Effect, Layer } from "effect"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition, updateDefinition } from "../../src/definitions/saveDefinition.ts"
import type { EtlPipeline } from "../../src/etl/EtlStep.ts"
import { runStepStats } from "../../src/etl/StepStats.ts"
import { FieldMappings } from "../../src/mappings/FieldMappings.ts"
import { setFieldMapping } from "../../src/mappings/setFieldMapping.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { engineLayer } from "../pipeline/fixtures.ts"
import { queryTexts } from "./etlFixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, FieldMappings.layer).pipe(Layer.provideMerge(engineLayer))

/** The id of the person a PCO resource belongs to (its `person` relationship). */
const personOf = (resource: { readonly relationships: Readonly<Record<string, { readonly data: unknown }>> }) => {
  const data = resource.relationships.person?.data
  return typeof data === "object" && data !== null && "id" in data ? String(data.id) : null
}

layer(testLayer, { timeout: 180_000, excludeTestServices: true })("ETL steps on synced PCO data", (it) => {
  it.effect(
    "aggregate, filter, join, lookup, deduplicate, merge, map, normalize and split equal the truth, before and after people change",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakePco.make({ people: 60, seed: 31 })
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
        const manifests = yield* adapter.manifests
        yield* (yield* ConnectorStore).createConnector({ id: "pco", adapter: "pco", name: "Church" })
        yield* (yield* ManifestStore).saveManifests("pco", manifests)
        const adapters = Layer.succeed(ConnectorAdapters, {
          runtime: () => Effect.succeed({ adapter, stages: () => undefined })
        })
        const personManifest = manifests.find((m) => m.entity === "person")
        assert.isDefined(personManifest)
        // The people are synced (their default sync): the join reads their table.
        const syncPeople = (yield* SyncEngine).syncEntity({
          connectorId: "pco",
          adapter,
          manifest: personManifest!,
          manifests,
          mode: "reconcile"
        })

        yield* syncPeople
        const homePipeline: EtlPipeline = [
          {
            type: "aggregate",
            into: { table: "person_email_counts" },
            groupBy: ["person_id"],
            metrics: { emails: "count(*)" }
          },
          { type: "filter", condition: "location == 'Home'" },
          {
            type: "join",
            from: { connectorId: "pco", entity: "person" },
            on: { field: "person_id", to: "id" },
            joinType: "inner",
            fields: { name: "person_name" }
          },
          { type: "deduplicate", key: ["person_id"], keep: { latest: "id" } },
          { type: "map", rename: { address: "email" }, drop: ["location"] }
        ]
        // Planning Center declares no fields (they are known from the records): steps naming them are
        // refused, naming the step's field, until a field mapping declares them.
        const refused = yield* Effect.flip(
          createDefinition({
            id: "home-emails",
            name: "Home emails",
            source: { connectorId: "pco", entity: "email" },
            destination: { kind: "postgres", table: "home_emails" },
            pipeline: homePipeline
          }).pipe(Effect.provide(adapters))
        )
        assert.strictEqual(refused._tag === "InvalidDefinition" && refused.field, "pipeline[0].groupBy[0]")
        yield* createDefinition({
          id: "home-emails",
          name: "Home emails",
          source: { connectorId: "pco", entity: "email" },
          destination: { kind: "postgres", table: "home_emails" }
        }).pipe(Effect.provide(adapters))
        yield* setFieldMapping("home-emails", {
          entries: ["id", "address", "location", "person_id"].map((field) => ({ source: field, target: field }))
        }).pipe(Effect.provide(adapters))
        const homeEmails = yield* updateDefinition("home-emails", { pipeline: homePipeline }).pipe(
          Effect.provide(adapters)
        )
        // A mapping that drops a field a step reads is refused, naming the step's field.
        const dropped = yield* Effect.flip(
          setFieldMapping("home-emails", {
            entries: ["id", "address", "location"].map((field) => ({ source: field, target: field }))
          }).pipe(Effect.provide(adapters))
        )
        assert.strictEqual(dropped._tag === "InvalidDefinition" && dropped.field, "pipeline[0].groupBy[0]")

        yield* createDefinition({
          id: "name-parts",
          name: "Name parts",
          source: { connectorId: "pco", entity: "person" },
          destination: { kind: "postgres", table: "people_named" }
        }).pipe(Effect.provide(adapters))
        yield* setFieldMapping("name-parts", {
          entries: [
            { source: "id", target: "id" },
            { source: "name", target: "name" }
          ]
        }).pipe(Effect.provide(adapters))
        const nameParts = yield* updateDefinition("name-parts", {
          pipeline: [
            {
              type: "normalize",
              options: { mapping: { fields: { name: { transforms: ["collapseWhitespace", "uppercase"] } } } }
            },
            {
              type: "split",
              field: "name",
              separator: " ",
              into: { table: "person_name_parts" },
              parentKey: ["id"],
              as: "part"
            }
          ]
        }).pipe(Effect.provide(adapters))

        // lookup: each person's work email, with the person's name from the synced people table.
        yield* createDefinition({
          id: "work-emails",
          name: "Work emails",
          source: { connectorId: "pco", entity: "email" },
          destination: { kind: "postgres", table: "work_emails" }
        }).pipe(Effect.provide(adapters))
        yield* setFieldMapping("work-emails", {
          entries: ["id", "address", "location", "person_id"].map((field) => ({ source: field, target: field }))
        }).pipe(Effect.provide(adapters))
        const workEmails = yield* updateDefinition("work-emails", {
          pipeline: [
            { type: "filter", condition: "location == 'Work'" },
            {
              type: "lookup",
              from: { connectorId: "pco", entity: "person" },
              on: { field: "person_id", to: "id" },
              field: "name",
              as: "person_name"
            },
            { type: "deduplicate", key: ["person_id"], keep: { latest: "id" } }
          ]
        }).pipe(Effect.provide(adapters))
        // merge: every person with one contact email, from the work emails' table, else the home ones'.
        yield* createDefinition({
          id: "person-contacts",
          name: "Person contacts",
          source: { connectorId: "pco", entity: "person" },
          destination: { kind: "postgres", table: "person_contacts" }
        }).pipe(Effect.provide(adapters))
        yield* setFieldMapping("person-contacts", {
          entries: [
            { source: "id", target: "id" },
            { source: "name", target: "name" }
          ]
        }).pipe(Effect.provide(adapters))
        // The merge reads the emails' tables: its steps are set once those are synced.
        const contactsPipeline: EtlPipeline = [
          {
            type: "merge",
            sources: [
              {
                name: "home",
                from: { definition: "home-emails" },
                on: { field: "id", to: "person_id" },
                fields: { email: "email" }
              },
              {
                name: "work",
                from: { definition: "work-emails" },
                on: { field: "id", to: "person_id" },
                fields: { address: "email", person_name: "name" }
              }
            ],
            precedence: ["work", "home", "self"],
            fieldPrecedence: { name: ["self", "work"] }
          }
        ]

        const expectTruth = Effect.gen(function* () {
          const people = new Map(Array.from(fake.truth.all("Person"), (p) => [p.id, p.attributes]))
          const emails = Array.from(fake.truth.all("Email"), (e) => ({
            id: e.id,
            person: personOf(e),
            address: String(e.attributes.address),
            location: e.attributes.location
          }))
          // aggregate: every email, per person.
          const counts = new Map<string, number>()
          for (const e of emails) counts.set(String(e.person), (counts.get(String(e.person)) ?? 0) + 1)
          const storedCounts = yield* queryTexts(
            `SELECT person_id, emails::text AS emails FROM pco.person_email_counts`
          )
          assert.sameMembers(
            storedCounts.map((r) => JSON.stringify([r.person_id, r.emails])),
            [...counts].map(([person, n]) => JSON.stringify([person, String(n)]))
          )
          // filter, join (inner), deduplicate: the home email with the greatest id per person.
          const best = new Map<string, { id: string; address: string; name: string }>()
          for (const e of emails) {
            const person = e.person === null ? undefined : people.get(e.person)
            if (e.location !== "Home" || person === undefined) continue
            const held = best.get(String(e.person))
            if (held === undefined || Number(e.id) > Number(held.id)) {
              best.set(String(e.person), { id: e.id, address: e.address, name: String(person.name) })
            }
          }
          const storedEmails = yield* queryTexts(
            `SELECT person_id, id::text AS id, email, person_name FROM pco.home_emails WHERE NOT _deleted`
          )
          assert.sameMembers(
            storedEmails.map((r) => JSON.stringify([r.person_id, r.id, r.email, r.person_name])),
            [...best].map(([person, e]) => JSON.stringify([person, e.id, e.address, e.name]))
          )
          // normalize, split: each person's name, upper-cased, word by word.
          const parts = [...people].flatMap(([id, person]) =>
            String(person.name)
              .toUpperCase()
              .split(/\s+/)
              .map((word) => word.trim())
              .filter((word) => word !== "")
              .map((word, position) => JSON.stringify([id, String(position), word]))
          )
          const storedParts = yield* queryTexts(
            `SELECT id::text AS id, _position::text AS position, part FROM pco.person_name_parts`
          )
          assert.sameMembers(
            storedParts.map((r) => JSON.stringify([r.id, r.position, r.part])),
            parts
          )
          // filter, lookup (left), deduplicate: the work email with the greatest id per person, and the
          // person's name when the person is synced.
          const work = new Map<string, { id: string; address: string }>()
          for (const e of emails) {
            if (e.location !== "Work") continue
            const held = work.get(String(e.person))
            if (held === undefined || Number(e.id) > Number(held.id)) work.set(String(e.person), e)
          }
          const storedWork = yield* queryTexts(
            `SELECT person_id, id::text AS id, address, person_name FROM pco.work_emails WHERE NOT _deleted`
          )
          assert.sameMembers(
            storedWork.map((r) => JSON.stringify([r.person_id, r.id, r.address, r.person_name])),
            [...work].map(([person, e]) =>
              JSON.stringify([person, e.id, e.address, people.has(person) ? String(people.get(person)?.name) : null])
            )
          )
          // merge: each person, the work email first, else the home one, else none.
          const storedContacts = yield* queryTexts(
            `SELECT id::text AS id, name, email FROM pco.person_contacts WHERE NOT _deleted`
          )
          assert.sameMembers(
            storedContacts.map((r) => JSON.stringify([r.id, r.name, r.email])),
            [...people].map(([id, person]) =>
              JSON.stringify([id, String(person.name), work.get(id)?.address ?? best.get(id)?.address ?? null])
            )
          )
          const homeOnly = [...people.keys()].filter((id) => best.has(id) && !work.has(id)).length
          return {
            emails: emails.length,
            home: emails.filter((e) => e.location === "Home").length,
            best: best.size,
            homeOnly,
            work: work.size
          }
        })

        const first = yield* runDefinition(homeEmails, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        yield* runDefinition(nameParts, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        yield* runDefinition(workEmails, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        const contacts = yield* updateDefinition("person-contacts", { pipeline: contactsPipeline }).pipe(
          Effect.provide(adapters)
        )
        yield* runDefinition(contacts, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        const truth = yield* expectTruth
        // Some people have a work email (the first source's), some only a home one (the second's).
        assert.isAbove(truth.work, 0)
        assert.isAbove(truth.homeOnly, 0)
        assert.isAbove(truth.best, 0)
        assert.isBelow(truth.home, truth.emails)
        assert.deepInclude(first.counts, { fetched: truth.emails, inserted: truth.best, failed: 0 })
        const steps = yield* runStepStats(first.runId)
        assert.deepStrictEqual(
          steps.map((s) => [s.step, s.input, s.output, s.skipped, s.failed]),
          [
            ["pipeline[0] aggregate", truth.emails, truth.emails, 0, 0],
            ["pipeline[1] filter", truth.emails, truth.home, truth.emails - truth.home, 0],
            ["pipeline[2] join", truth.home, truth.home, 0, 0],
            ["pipeline[3] deduplicate", truth.home, truth.best, truth.home - truth.best, 0],
            ["pipeline[4] map", truth.best, truth.best, 0, 0]
          ]
        )

        // Other users change people and emails (updates, creations, deletions); complete listings follow.
        const changes = yield* fake.mutate.random(40)
        assert.isTrue(changes.some((c) => c.action === "destroyed"))
        yield* syncPeople
        yield* runDefinition(homeEmails, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        yield* runDefinition(nameParts, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        yield* runDefinition(workEmails, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        yield* runDefinition(contacts, { mode: "reconcile" }).pipe(Effect.provide(adapters))
        yield* expectTruth
      }).pipe(Effect.scoped)
  )
})
