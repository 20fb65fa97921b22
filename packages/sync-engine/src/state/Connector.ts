/**
 * A connector: one configured connection to a source (an adapter, its settings and its sealed
 * credentials). Credentials never appear on a `Connector`: read them with `ConnectorStore.getCredentials`.
 */
import type { Credentials } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** A stored connector, as read back (decoded) from `syncflow.connectors`. */
export const Connector = Schema.Struct({
  id: Schema.String,
  /** The adapter's name, e.g. `apismith` or `pco`. */
  adapter: Schema.String,
  /** A unique, human-chosen name. */
  name: Schema.String,
  /** The adapter's settings (base URL, page size, time zone, ...): anything but secrets. */
  config: Schema.Json,
  /** Whether sealed credentials are stored. */
  hasCredentials: Schema.Boolean,
  /** The schema of the connector's tables; `null`: its id as an identifier (see `TableTarget.defaultSchemaOf`). */
  targetSchema: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
/** A stored connector. */
export type Connector = typeof Connector.Type

/** What `createConnector` needs. */
export interface NewConnector {
  /** The connector's id; a UUID is generated when absent. */
  readonly id?: string | undefined
  readonly adapter: string
  readonly name: string
  readonly config?: Schema.Json | undefined
  /** The schema of the connector's tables; absent or `null` for the default (its id). */
  readonly targetSchema?: string | null | undefined
  /** Sealed with the `SecretBox` before they are stored. */
  readonly credentials?: Credentials | undefined
}

/** What `updateConnector` changes: absent fields are kept; `credentials: null` removes them. */
export interface ConnectorPatch {
  readonly name?: string | undefined
  readonly config?: Schema.Json | undefined
  /** The schema of the connector's tables; `null` for the default (its id). Moves no table. */
  readonly targetSchema?: string | null | undefined
  readonly credentials?: Credentials | null | undefined
}
