/**
 * The connector plugins this server (or CLI) offers, as a service: `defaultPlugins` unless the
 * composition provides another list (see `serverAppLayer`'s `plugins`). Every adapter-specific
 * step — settings, credentials, the running adapter, webhooks, OAuth2 — goes through the plugin
 * named by the connector's `adapter`; a name no plugin has is refused, never guessed.
 */
import type { ConnectorPlugin } from "@syncflow/adapter-core"
import { Context, Layer } from "effect"
import { defaultPlugins } from "../wiring/plugins.ts"

/** The plugins offered, by name. */
export interface ConnectorPluginsService {
  /** Every plugin, in the order given. */
  readonly all: ReadonlyArray<ConnectorPlugin.ConnectorPlugin>
  /** The plugin of this adapter name, if one is offered. */
  readonly find: (name: string) => ConnectorPlugin.ConnectorPlugin | undefined
}

/** The service over a list of plugins; a name given twice keeps the last plugin. */
export const makeConnectorPlugins = (
  plugins: ReadonlyArray<ConnectorPlugin.ConnectorPlugin>
): ConnectorPluginsService => {
  const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]))
  return { all: [...byName.values()], find: (name) => byName.get(name) }
}

/** The connector plugins offered (the built-in ones unless provided). */
export class ConnectorPlugins extends Context.Reference<ConnectorPluginsService>("@syncflow/server/ConnectorPlugins", {
  defaultValue: () => makeConnectorPlugins(defaultPlugins)
}) {
  /** These plugins instead of the built-in ones. */
  static readonly layer = (plugins: ReadonlyArray<ConnectorPlugin.ConnectorPlugin>): Layer.Layer<never> =>
    Layer.succeed(ConnectorPlugins, makeConnectorPlugins(plugins))
}
