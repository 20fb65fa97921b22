/**
 * The gauge `syncflow_alerts_firing{rule, connector, entity}`: 1 while an alert of that rule fires
 * for that entity (`entity=""` for a connector's rule), 0 once it resolved, for entities and
 * connectors that still exist; the series of a deleted one disappears. Read from `syncflow.alerts`
 * at each scrape, whichever runner evaluates the rules; its cost grows with the alerts kept (the
 * retention prunes resolved ones), not with runs.
 */
import { Effect } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import type { Family } from "./PrometheusText.ts"

/** The gauge's name. */
export const alertsFiringMetric = "syncflow_alerts_firing"

/** The gauge's family, read on `sql` (without transforms). */
export const readAlertFamily = (sql: SqlClient.SqlClient): Effect.Effect<Family, SqlError.SqlError> =>
  sql
    .unsafe<{ readonly rule: string; readonly connector: string; readonly entity: string; readonly firing: boolean }>(
      `SELECT DISTINCT ON (a.rule, a.connector_id, a.entity) a.rule, a.connector_id AS connector, a.entity,
         a.state = 'firing' AS firing
       FROM syncflow.alerts a
       WHERE a.state = 'firing'
         OR (a.entity = '' AND EXISTS (SELECT 1 FROM syncflow.connectors c WHERE c.id = a.connector_id))
         OR EXISTS (SELECT 1 FROM syncflow.entities e WHERE e.connector_id = a.connector_id AND e.entity = a.entity)
       ORDER BY a.rule, a.connector_id, a.entity, a.state = 'firing' DESC`
    )
    .pipe(
      Effect.map((rows) => ({
        name: alertsFiringMetric,
        type: "gauge" as const,
        help: "Whether an alert fires (1) or has resolved (0), by rule, connector and entity (empty for a connector's rule)",
        samples: rows.map((row) => ({
          labels: { rule: row.rule, connector: row.connector, entity: row.entity },
          value: row.firing ? 1 : 0
        }))
      })),
      Effect.withSpan("AlertMetrics.read")
    )
