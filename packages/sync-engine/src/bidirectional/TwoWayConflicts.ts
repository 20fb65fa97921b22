/**
 * The conflict log and the manual queue of two-way definitions (`syncflow.two_way_conflicts`): every
 * conflict a cycle met — the record, the fields, both versions, the policy, the outcome and the time.
 * Conflicts resolved by their policy are stored `closed`; a `manual` one is `held` (nothing of the
 * record moves) until a user resolves it by choosing a side or supplying the merged record; it is then
 * `resolved`, and the next cycle writes the resolution to both sides and closes it.
 *
 * The cycle records conflicts through `recordConflict` (once per distinct conflict: a cycle killed
 * and run again records it once); the API and the CLI read and resolve them through the service.
 */
import { createHash } from "node:crypto"
import { PgTypes } from "@effect/sql-pg"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { StateStoreError } from "../state/StateStoreError.ts"
import { now, storeError, textArray } from "../state/storeHelpers.ts"
import { ConflictNotFound, ConflictNotHeld, InvalidResolution } from "./ConflictErrors.ts"
import type { FieldValue, FieldValues } from "./FieldValues.ts"
import type { ConflictFinding } from "./resolveRecord.ts"

/** A record's synced values as stored (and as a user supplies a merged record). */
export const ConflictValues = Schema.Record(
  Schema.String,
  Schema.Union([Schema.String, Schema.Number, Schema.Boolean, Schema.Null])
)

/** Where a conflict stands: `held` (manual, waiting), `resolved` (by a user, to apply), `closed`. */
export const ConflictStatus = Schema.Literals(["held", "resolved", "closed"])
/** Where a conflict stands. */
export type ConflictStatus = typeof ConflictStatus.Type

/** What a held conflict was resolved to: the record both sides get (`null`: deleted on both). */
export const ConflictResolution = Schema.Struct({ record: Schema.NullOr(ConflictValues) })
/** What a held conflict was resolved to. */
export type ConflictResolution = typeof ConflictResolution.Type

/** One conflict of the log. */
export const TwoWayConflict = Schema.Struct({
  id: Schema.String,
  definitionId: Schema.String,
  /** The table row's `_key`. */
  recordKey: Schema.String,
  /** The connector's id of the record. */
  sourceId: Schema.NullOr(Schema.String),
  /** The fields changed that made the conflict. */
  fields: Schema.Array(Schema.String),
  /** The connector's version (`null`: deleted there). */
  source: Schema.NullOr(ConflictValues),
  /** The table's version (`null`: deleted there). */
  table: Schema.NullOr(ConflictValues),
  /** The last version both sides agreed on. */
  base: Schema.NullOr(ConflictValues),
  policy: Schema.String,
  /** `source`, `target`, `merged`, `held`, or for a resolved one how it was resolved (`source`, `target`, `record`). */
  outcome: Schema.String,
  status: ConflictStatus,
  resolution: Schema.NullOr(ConflictResolution),
  detectedAt: Schema.DateTimeUtcFromDate,
  resolvedAt: Schema.NullOr(Schema.DateTimeUtcFromDate)
})
/** One conflict of the log. */
export type TwoWayConflict = typeof TwoWayConflict.Type

/** How a user resolves a held conflict: a side's version, or the merged record (fields absent: the table's). */
export type ConflictChoice =
  | { readonly side: "source" | "target" }
  | { readonly record: Readonly<Record<string, FieldValue>> }

const conflictColumns = `id::text AS id, definition_id AS "definitionId", record_key AS "recordKey",
  source_id AS "sourceId", fields, source_version AS source, table_version AS "table", base, policy, outcome,
  status, resolution, detected_at AS "detectedAt", resolved_at AS "resolvedAt"`

const decodeConflicts = Schema.decodeUnknownEffect(Schema.Array(TwoWayConflict))

const select = (sql: SqlClient.SqlClient, where: string, params: ReadonlyArray<unknown>) =>
  Effect.flatMap(
    sql.unsafe(`SELECT ${conflictColumns} FROM syncflow.two_way_conflicts WHERE ${where}`, params as Array<unknown>),
    decodeConflicts
  )

const jsonOrNull = (values: FieldValues | null | undefined) => (values == null ? null : PgTypes.jsonb(values))

/** Records a conflict a cycle met (once: the same record, base and versions again are the same conflict). */
export const recordConflict = (
  sql: SqlClient.SqlClient,
  conflict: {
    readonly definitionId: string
    readonly key: string
    readonly sourceId: string | null
    readonly base: FieldValues | undefined
    readonly finding: ConflictFinding
    readonly at: Date
  }
) => {
  const { finding } = conflict
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([conflict.key, conflict.base ?? null, finding.source, finding.table]))
    .digest("hex")
  return sql
    .unsafe(
      `INSERT INTO syncflow.two_way_conflicts (definition_id, record_key, source_id, fields, source_version,
  table_version, base, policy, outcome, status, fingerprint, detected_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (definition_id, fingerprint) DO NOTHING`,
      [
        conflict.definitionId,
        conflict.key,
        conflict.sourceId,
        PgTypes.jsonb(finding.fields),
        jsonOrNull(finding.source),
        jsonOrNull(finding.table),
        jsonOrNull(conflict.base),
        finding.policy,
        finding.outcome,
        finding.outcome === "held" ? "held" : "closed",
        fingerprint,
        conflict.at
      ]
    )
    .pipe(Effect.asVoid)
}

/** The keys among these that a held or resolved (not yet applied) conflict holds still. */
export const heldKeys = Effect.fnUntraced(function* (
  sql: SqlClient.SqlClient,
  definitionId: string,
  keys: ReadonlyArray<string>
) {
  if (keys.length === 0) return new Set<string>()
  const rows = yield* sql.unsafe<{ readonly key: string }>(
    `SELECT DISTINCT record_key AS key FROM syncflow.two_way_conflicts
WHERE definition_id = $1 AND status IN ('held', 'resolved') AND record_key = ANY($2)`,
    [definitionId, yield* textArray(keys)]
  )
  return new Set(rows.map((row) => row.key))
})

/** The resolved conflicts a cycle is to apply (oldest first). */
export const resolvedConflicts = (sql: SqlClient.SqlClient, definitionId: string, limit: number) =>
  select(sql, "definition_id = $1 AND status = 'resolved' ORDER BY id LIMIT $2", [definitionId, limit])

/** Closes a conflict whose resolution the cycle wrote to both sides. */
export const closeConflict = (sql: SqlClient.SqlClient, id: string) =>
  sql.unsafe("UPDATE syncflow.two_way_conflicts SET status = 'closed' WHERE id = $1::bigint", [id]).pipe(Effect.asVoid)

/** Which conflicts `list` returns. */
export interface ConflictFilter {
  readonly status?: ConflictStatus | undefined
  readonly limit?: number | undefined
}

/** The record a choice resolves a conflict to (see `ConflictChoice`). */
export const resolutionOf = (
  conflict: TwoWayConflict,
  choice: ConflictChoice
): Effect.Effect<ConflictResolution, InvalidResolution> => {
  if ("side" in choice) return Effect.succeed({ record: choice.side === "source" ? conflict.source : conflict.table })
  const known = conflict.table ?? conflict.source ?? conflict.base ?? {}
  for (const field of Object.keys(choice.record)) {
    if (!Object.hasOwn(known, field)) {
      return Effect.fail(
        new InvalidResolution({ field: `record.${field}`, message: `${JSON.stringify(field)} is not a synced field` })
      )
    }
  }
  return Effect.succeed({ record: { ...known, ...choice.record } })
}

const make = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()

  const list = Effect.fn("TwoWayConflicts.list")(function* (definitionId: string, filter: ConflictFilter = {}) {
    return yield* select(sql, "definition_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3", [
      definitionId,
      filter.status ?? null,
      Math.min(1000, Math.max(1, filter.limit ?? 100))
    ]).pipe(storeError("listConflicts"))
  })

  const get = Effect.fn("TwoWayConflicts.get")(function* (definitionId: string, id: string) {
    if (!/^\d{1,18}$/.test(id)) return Option.none<TwoWayConflict>()
    const rows = yield* select(sql, "definition_id = $1 AND id = $2::bigint", [definitionId, id]).pipe(
      storeError("readConflict")
    )
    return Option.fromUndefinedOr(rows[0])
  })

  const resolve = Effect.fn("TwoWayConflicts.resolve")(function* (
    definitionId: string,
    id: string,
    choice: ConflictChoice
  ) {
    const found = yield* get(definitionId, id)
    if (Option.isNone(found)) return yield* new ConflictNotFound({ definitionId, id })
    if (found.value.status !== "held") return yield* new ConflictNotHeld({ id, status: found.value.status })
    const resolution = yield* resolutionOf(found.value, choice)
    const outcome = "side" in choice ? choice.side : "record"
    yield* sql
      .unsafe(
        `UPDATE syncflow.two_way_conflicts SET status = 'resolved', outcome = $3, resolution = $4, resolved_at = $5
WHERE definition_id = $1 AND id = $2::bigint AND status = 'held'`,
        [definitionId, id, outcome, PgTypes.jsonb(resolution), yield* now]
      )
      .pipe(storeError("resolveConflict"))
    const stored = yield* get(definitionId, id)
    if (Option.isNone(stored)) return yield* new ConflictNotFound({ definitionId, id })
    return stored.value
  })

  return TwoWayConflicts.of({ list, get, resolve })
})

/** The conflict log of two-way definitions: list, show and resolve. */
export class TwoWayConflicts extends Context.Service<
  TwoWayConflicts,
  {
    /** A definition's conflicts, newest first (`status` filters). */
    readonly list: (
      definitionId: string,
      filter?: ConflictFilter
    ) => Effect.Effect<ReadonlyArray<TwoWayConflict>, StateStoreError>
    /** One conflict. */
    readonly get: (definitionId: string, id: string) => Effect.Effect<Option.Option<TwoWayConflict>, StateStoreError>
    /** Resolves a held conflict; the next cycle writes the resolution to both sides. */
    readonly resolve: (
      definitionId: string,
      id: string,
      choice: ConflictChoice
    ) => Effect.Effect<TwoWayConflict, ConflictNotFound | ConflictNotHeld | InvalidResolution | StateStoreError>
  }
>()("@syncflow/sync-engine/bidirectional/TwoWayConflicts") {
  /** The conflict log on the ambient database (after the migrations). */
  static readonly layer: Layer.Layer<TwoWayConflicts, never, SqlClient.SqlClient> = Layer.effect(TwoWayConflicts, make)
}
