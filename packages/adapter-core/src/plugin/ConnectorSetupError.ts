/**
 * Why a stored connector could not be turned into a running adapter by its plugin: settings that no
 * longer decode, or credentials of a kind the plugin does not take.
 */
import { Schema } from "effect"

/** A plugin could not build a connector's adapter from its settings and credentials. */
export class ConnectorSetupError extends Schema.TaggedError<ConnectorSetupError>()("ConnectorSetupError", {
  message: Schema.String
}) {}
