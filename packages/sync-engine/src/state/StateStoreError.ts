/**
 * Failures of the state stores (`StateStores`). Messages name connectors, entities and runs, never secrets.
 */
import { Schema } from "effect"

/** The state store could not read or write (a database failure, or a stored value that does not decode). */
export class StateStoreError extends Schema.TaggedError<StateStoreError>()("StateStoreError", {
  /** The store operation, e.g. `saveCheckpoint`. */
  operation: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/** No connector has this id. */
export class ConnectorNotFound extends Schema.TaggedError<ConnectorNotFound>()("ConnectorNotFound", {
  connectorId: Schema.String
}) {}

/** No sync run has this id. */
export class RunNotFound extends Schema.TaggedError<RunNotFound>()("RunNotFound", {
  runId: Schema.String
}) {}
