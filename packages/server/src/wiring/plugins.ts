/**
 * The connector plugins a SyncFlow server offers by default: the one place that names adapters.
 * Adding an adapter is its package plus one line here — or, for a server used as a library, passing
 * `plugins: [...defaultPlugins, myPlugin]` to `serverAppLayer`.
 */
import type { ConnectorPlugin } from "@syncflow/adapter-core"
import { apiSmithPlugin } from "@syncflow/apismith"
import { n8nPlugin } from "@syncflow/n8n"
import { pcoPlugin } from "@syncflow/pco"
import { restPlugin } from "@syncflow/rest"
import { scheduleHubPlugin } from "@syncflow/schedulehub"

/** The built-in connector plugins. */
export const defaultPlugins: ReadonlyArray<ConnectorPlugin.ConnectorPlugin> = [
  apiSmithPlugin,
  pcoPlugin,
  scheduleHubPlugin,
  restPlugin,
  n8nPlugin
]
