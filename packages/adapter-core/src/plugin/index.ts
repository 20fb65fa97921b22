/** Connector plugins: the contract an adapter package implements to be offered by a SyncFlow server. */
export * from "./ConnectorInstance.ts"
export * as ConnectorPlugin from "./ConnectorPlugin.ts"
export * from "./ConnectorSetupError.ts"
export * from "./HttpUrlInput.ts"
export * from "./PluginCapabilities.ts"
export * from "./PluginStageOptions.ts"
export * from "./PluginWebhooks.ts"
export * from "./SecretInput.ts"
