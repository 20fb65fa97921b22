/**
 * @syncflow/server: the `syncflow` server and CLI. Importable parts: the admin API's schema `Api`
 * (for typed clients), the server as a layer (with the connector plugins it offers), the
 * configuration, and how an alert webhook's receiver checks a delivery's signature.
 */

export type { AlertSettings } from "./alerts/AlertSettings.ts"
export * as AlertSignature from "./alerts/AlertSignature.ts"
export type { AlertWebhook, AlertWebhookFormat } from "./alerts/AlertWebhook.ts"
export * as AdminAuth from "./api/AdminAuth.ts"
export * from "./api/Api.ts"
export * from "./api/ApiErrors.ts"
export * from "./api/groups/AdaptersGroup.ts"
export * from "./api/groups/AlertsGroup.ts"
export * from "./api/groups/ConnectorsGroup.ts"
export * from "./api/groups/DefinitionsGroup.ts"
export * from "./api/groups/EntitiesGroup.ts"
export * from "./api/groups/HealthGroup.ts"
export * from "./api/groups/OAuthGroup.ts"
export * from "./api/groups/RecordsGroup.ts"
export * from "./api/groups/RunsGroup.ts"
export * from "./api/Views.ts"
export { type ServerAppOptions, serve, serverAppLayer } from "./app/ServerApp.ts"
export * from "./config/ServerConfig.ts"
export * from "./connectors/ConnectorPlugins.ts"
export { InvalidConnectorField } from "./connectors/ConnectorSettings.ts"
export { defaultPlugins } from "./wiring/plugins.ts"

/** The package's name. */
export const packageName = "@syncflow/server"
