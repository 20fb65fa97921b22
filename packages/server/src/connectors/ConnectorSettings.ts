/**
 * Checking what a user gives to create a connector against its plugin: the adapter name (a plugin
 * must have it), the settings and the credentials (decoded by the plugin's schemas), each failure a
 * typed error naming the field (`adapter`, `config.baseUrl`, `credentials.type`).
 */
import type { ConnectorPlugin, Credentials } from "@syncflow/adapter-core"
import { Result, Schema, SchemaIssue } from "effect"
import type { ConnectorPluginsService } from "./ConnectorPlugins.ts"

/** A field of a connector's input is wrong for its adapter. */
export class InvalidConnectorField extends Schema.TaggedError<InvalidConnectorField>()(
  "InvalidConnectorField",
  { field: Schema.String, message: Schema.String },
  { httpApiStatus: 400 }
) {}

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** The first issue of a failed decoding, as the field it names (under `prefix`) and its message. */
export const firstIssue = (prefix: string, error: Schema.SchemaError): InvalidConnectorField => {
  const [issue] = formatIssues(error.issue).issues
  const path = (issue?.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment))
  const field = [prefix, ...path].join(".")
  return new InvalidConnectorField({ field, message: `${field}: ${issue?.message ?? "is invalid"}` })
}

/** The plugin of an adapter name, or the error naming `adapter` and the names offered. */
export const pluginOf = (
  plugins: ConnectorPluginsService,
  adapter: string
): Result.Result<ConnectorPlugin.ConnectorPlugin, InvalidConnectorField> => {
  const plugin = plugins.find(adapter)
  return plugin === undefined
    ? Result.fail(
        new InvalidConnectorField({
          field: "adapter",
          message: `adapter: no adapter ${JSON.stringify(adapter)}; this server offers ${plugins.all.map((p) => p.name).join(", ")}`
        })
      )
    : Result.succeed(plugin)
}

/** Checks a plugin's settings; the settings to store, or the error naming the field (`config.baseUrl`). */
export const checkSettings = (
  plugin: ConnectorPlugin.ConnectorPlugin,
  config: unknown
): Result.Result<Schema.Json, InvalidConnectorField> =>
  Result.mapError(plugin.checkSettings(config ?? {}), (error) => firstIssue("config", error))

/** The `type` a credentials input says it is, if it says one. */
const typeOf = (input: unknown): unknown =>
  typeof input === "object" && input !== null && "type" in input ? input.type : undefined

/** The `type`s a plugin's credentials JSON Schema allows, when it lists them. */
const acceptedTypes = (plugin: ConnectorPlugin.ConnectorPlugin): ReadonlyArray<string> => {
  const schema = plugin.credentialsJsonSchema
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : [schema]
  return branches.flatMap((branch: unknown) => {
    if (typeof branch !== "object" || branch === null || !("properties" in branch)) return []
    const properties: unknown = branch.properties
    if (typeof properties !== "object" || properties === null || !("type" in properties)) return []
    const type: unknown = properties.type
    if (typeof type !== "object" || type === null || !("enum" in type) || !Array.isArray(type.enum)) return []
    return type.enum.filter((value: unknown): value is string => typeof value === "string")
  })
}

/**
 * Checks a credentials input with its plugin (for checked settings); the `Credentials` to seal, or
 * the error naming the field. A `type` the plugin does not take is named as `credentials.type`.
 */
export const checkCredentials = (
  plugin: ConnectorPlugin.ConnectorPlugin,
  input: unknown,
  context: { readonly settings: Schema.Json; readonly oauthRedirectUri: string }
): Result.Result<Credentials, InvalidConnectorField> => {
  const accepted = acceptedTypes(plugin)
  const type = typeOf(input)
  if (accepted.length > 0 && typeof type === "string" && !accepted.includes(type)) {
    return Result.fail(
      new InvalidConnectorField({
        field: "credentials.type",
        message: `credentials.type: a ${plugin.name} connector takes ${accepted.join(" or ")}, not ${type}`
      })
    )
  }
  return Result.mapError(plugin.checkCredentials(input, context), (error) => firstIssue("credentials", error))
}

/** The path of a plugin's OAuth2 callback, under the server's public URL. */
export const oauthCallbackPath = (pluginName: string): string => `/api/v1/oauth/${pluginName}/callback`
