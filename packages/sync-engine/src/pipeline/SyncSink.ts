/**
 * Where a sync writes, when it is not the connector's own PostgreSQL table: a sync id, a write-side
 * `Destination`, its `RowLedger` and the target in it. Sync definitions resolve into this binding;
 * without one, a sync is the default definition (the connector's table), today's behaviour.
 */
import type { Destination } from "../destination/Destination.ts"
import type { TableTarget } from "../destination/TableTarget.ts"
import type { EtlPipeline } from "../etl/EtlStep.ts"
import type { RowLedger } from "../ledger/RowLedger.ts"

/** The binding of a sync to its destination. */
export interface SyncSink {
  /**
   * Keys the sync's ledger, and its checkpoints, runs, failed records, pending children and leases
   * (their `definition_id`, beside the source connector and entity).
   */
  readonly syncId: string
  /** The service value. */
  readonly destination: Destination["Service"]
  /** The service value. */
  readonly ledger: RowLedger["Service"]
  /** Where in the destination (for an API: its entity, as the table's name). */
  readonly target: TableTarget
  /** A sync definition's ETL steps, run on each window's rows before they are written. */
  readonly pipeline?: EtlPipeline | undefined
}

/** The id of an entity's default sync (into its connector's table): derived, so existing state keeps its keys. */
export const defaultSyncId = (connectorId: string, entity: string): string => `${connectorId}/${entity}`
