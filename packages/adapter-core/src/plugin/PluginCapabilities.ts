/**
 * What a connector plugin can do, as the server publishes it (`GET /api/v1/adapters`) and as the
 * dashboard and `connectors add` read it.
 */

/** The capabilities of a connector plugin. */
export interface PluginCapabilities {
  /** Its entities are discovered from the upstream (not only declared). */
  readonly discover: boolean
  /** It lists only records changed since a cursor value (incremental syncs). */
  readonly incremental: boolean
  /** It receives webhook deliveries (the plugin has a `webhooks` part). */
  readonly webhooks: boolean
  /** Its connectors may authorize through an OAuth2 authorization-code flow. */
  readonly oauth2: boolean
  /** Its adapters can write records (`Adapter.write`, a `RecordWriter`). */
  readonly write: boolean
}
