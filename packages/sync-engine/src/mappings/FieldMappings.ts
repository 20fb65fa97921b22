/**
 * The stored field mappings of sync definitions, in versions (table `syncflow.field_mappings`,
 * migration 30): the latest version is the one a definition's runs use; storing a mapping that
 * differs from it adds the next version, storing the same one changes nothing. Mappings are checked
 * before they are stored (`setFieldMapping`); this service only keeps them.
 */
import { PgTypes } from "@effect/sql-pg"
import { Context, Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { canonicalJson } from "../stages/identity/canonicalForm.ts"
import type { StateStoreError } from "../state/StateStoreError.ts"
import { now, storeError } from "../state/storeHelpers.ts"
import { type FieldMapping, FieldMappingVersion } from "./FieldMapping.ts"

/** The operations on stored field mappings. */
export interface FieldMappingsService {
  /** Every version of a definition's mapping, newest first. */
  readonly history: (definitionId: string) => Effect.Effect<ReadonlyArray<FieldMappingVersion>, StateStoreError>
  /**
   * Stores a definition's mapping: a new version when it differs from the latest, else the latest
   * unchanged (`added` false).
   */
  readonly save: (
    definitionId: string,
    mapping: FieldMapping
  ) => Effect.Effect<{ readonly version: FieldMappingVersion; readonly added: boolean }, StateStoreError>
}

const decodeVersions = Schema.decodeUnknownEffect(Schema.Array(FieldMappingVersion))

const columns = `definition_id AS "definitionId", version, entries, created_at AS "createdAt"`

const make = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const select = (where: string, params: ReadonlyArray<unknown>) =>
    Effect.flatMap(
      sql.unsafe(`SELECT ${columns} FROM syncflow.field_mappings ${where}`, params as Array<unknown>),
      decodeVersions
    )

  const history = Effect.fn("FieldMappings.history")(function* (definitionId: string) {
    return yield* select("WHERE definition_id = $1 ORDER BY version DESC", [definitionId]).pipe(
      storeError("fieldMappingHistory")
    )
  })

  const save = Effect.fn("FieldMappings.save")(function* (definitionId: string, mapping: FieldMapping) {
    return yield* sql
      .withTransaction(
        Effect.gen(function* () {
          // One writer per definition at a time: versions follow each other without gaps or races.
          yield* sql.unsafe("SELECT 1 FROM syncflow.sync_definitions WHERE id = $1 FOR UPDATE", [definitionId])
          const latest = (yield* select("WHERE definition_id = $1 ORDER BY version DESC LIMIT 1", [definitionId]))[0]
          if (latest !== undefined && canonicalJson(latest.entries) === canonicalJson(mapping.entries)) {
            return { version: latest, added: false }
          }
          const inserted = yield* Effect.flatMap(
            sql.unsafe(
              `INSERT INTO syncflow.field_mappings (definition_id, version, entries, created_at)
               VALUES ($1, $2, $3, $4) RETURNING ${columns}`,
              [definitionId, (latest?.version ?? 0) + 1, PgTypes.jsonb(mapping.entries), yield* now]
            ),
            decodeVersions
          )
          return { version: inserted[0] as FieldMappingVersion, added: true }
        })
      )
      .pipe(storeError("saveFieldMapping"))
  })

  return FieldMappings.of({ history, save })
})

/** The stored field mappings. */
export class FieldMappings extends Context.Service<FieldMappings, FieldMappingsService>()(
  "@syncflow/sync-engine/mappings/FieldMappings"
) {
  /** The mappings on the ambient database (after the migrations, applied by `StateStores.layer`). */
  static readonly layer: Layer.Layer<FieldMappings, never, SqlClient.SqlClient> = Layer.effect(FieldMappings, make)
}
