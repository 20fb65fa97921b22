/**
 * SyncFlow's discovered entity manifests and entity settings (table `syncflow.entities`);
 * saving a manifest also creates the entity's default sync definition (`syncflow.sync_definitions`).
 */
import { EntityManifest } from "@syncflow/adapter-core"
import { Effect, Option, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import { DiscoveredEntity } from "./DiscoveredEntity.ts"
import type { EntitySettingsPatch } from "./EntitySettings.ts"
import type { ManifestStoreService } from "./ManifestStore.ts"
import { now, storeError, textArray } from "./storeHelpers.ts"

const entityColumns = `connector_id AS "connectorId", entity, manifest, discovered_at AS "discoveredAt",
  json_build_object('enabled', enabled, 'intervalSeconds', interval_seconds, 'cron', cron, 'mode', mode,
    'reconcileIntervalSeconds', reconcile_interval_seconds, 'reconcileCron', reconcile_cron, 'orphans', orphans,
    'targetTable', target_table, 'alerts', alert_thresholds) AS settings,
  type_mismatches AS "typeMismatches"`

/** Manifest and entity settings operations on `sql`. */
export const manifestOperations = (sql: SqlClient.SqlClient): ManifestStoreService => {
  const decodeEntities = Schema.decodeUnknownEffect(Schema.Array(DiscoveredEntity))
  const encodeManifest = Schema.encodeUnknownEffect(Schema.toCodecJson(EntityManifest))

  const saveManifests = Effect.fn("ManifestStore.saveManifests")(function* (
    connectorId: string,
    manifests: ReadonlyArray<EntityManifest>
  ) {
    if (manifests.length === 0) return
    const byEntity = new Map<string, EntityManifest>()
    for (const manifest of manifests) byEntity.set(manifest.entity, manifest)
    const encoded = yield* Effect.forEach(byEntity.values(), (manifest) => encodeManifest(manifest))
    yield* sql.unsafe(
      `INSERT INTO syncflow.entities (connector_id, entity, manifest, discovered_at)
       SELECT $1::text, unnest($2::text[]), unnest($3::text[]::jsonb[]), $4::timestamptz
       ON CONFLICT (connector_id, entity) DO UPDATE SET manifest = excluded.manifest, discovered_at = excluded.discovered_at`,
      [
        connectorId,
        yield* textArray([...byEntity.keys()]),
        yield* textArray(encoded.map((manifest) => JSON.stringify(manifest))),
        yield* now
      ]
    )
    // Each entity's default sync definition (see definitions/SyncDefinition.ts), once.
    yield* sql.unsafe(
      `INSERT INTO syncflow.sync_definitions (id, name, is_default, source_connector_id, source_entity, destination,
         direction, created_at, updated_at)
       SELECT $1::text || ':' || entity, $1::text || ':' || entity, true, $1::text, entity, '{"kind":"postgres"}'::jsonb,
         'pull', $3::timestamptz, $3::timestamptz
       FROM unnest($2::text[]) AS entity
       ON CONFLICT DO NOTHING`,
      [connectorId, yield* textArray([...byEntity.keys()]), yield* now]
    )
  }, storeError("saveManifests"))

  const getManifest = Effect.fn("ManifestStore.getManifest")(function* (connectorId: string, entity: string) {
    const rows = yield* sql
      .unsafe(`SELECT ${entityColumns} FROM syncflow.entities WHERE connector_id = $1 AND entity = $2`, [
        connectorId,
        entity
      ])
      .pipe(Effect.flatMap(decodeEntities))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("getManifest"))

  const listManifests = Effect.fn("ManifestStore.listManifests")(function* (connectorId: string) {
    return yield* sql
      .unsafe(`SELECT ${entityColumns} FROM syncflow.entities WHERE connector_id = $1 ORDER BY entity`, [connectorId])
      .pipe(Effect.flatMap(decodeEntities))
  }, storeError("listManifests"))

  const updateEntitySettings = Effect.fn("ManifestStore.updateEntitySettings")(function* (
    connectorId: string,
    entity: string,
    patch: EntitySettingsPatch
  ) {
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.entities SET enabled = coalesce($3, enabled), interval_seconds = coalesce($4, interval_seconds),
           cron = CASE WHEN $5 THEN $6 ELSE cron END, mode = coalesce($7, mode),
           reconcile_interval_seconds = CASE WHEN $8 THEN $9::integer ELSE reconcile_interval_seconds END,
           reconcile_cron = CASE WHEN $10 THEN $11 ELSE reconcile_cron END,
           orphans = coalesce($12, orphans),
           target_table = CASE WHEN $13 THEN $14 ELSE target_table END,
           alert_thresholds = coalesce($15::jsonb, alert_thresholds)
         WHERE connector_id = $1 AND entity = $2
         RETURNING ${entityColumns}`,
        [
          connectorId,
          entity,
          patch.enabled ?? null,
          patch.intervalSeconds ?? null,
          patch.cron !== undefined,
          patch.cron ?? null,
          patch.mode ?? null,
          patch.reconcileIntervalSeconds !== undefined,
          patch.reconcileIntervalSeconds ?? null,
          patch.reconcileCron !== undefined,
          patch.reconcileCron ?? null,
          patch.orphans ?? null,
          patch.targetTable !== undefined,
          patch.targetTable ?? null,
          patch.alerts === undefined ? null : JSON.stringify(patch.alerts)
        ]
      )
      .pipe(Effect.flatMap(decodeEntities))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("updateEntitySettings"))

  const listEnabledEntities = Effect.gen(function* () {
    return yield* sql
      .unsafe(`SELECT ${entityColumns} FROM syncflow.entities WHERE enabled ORDER BY connector_id, entity`)
      .pipe(Effect.flatMap(decodeEntities))
  }).pipe(Effect.withSpan("ManifestStore.listEnabledEntities"), storeError("listEnabledEntities"))

  return { saveManifests, getManifest, listManifests, updateEntitySettings, listEnabledEntities }
}
