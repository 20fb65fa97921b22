/**
 * The version of SyncFlow and of each of its packages, read from their manifests.
 */

import { readFile } from "node:fs/promises"
import { Effect, Schema } from "effect"

const PackageJson = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  description: Schema.optional(Schema.String)
})

/** A package of this build. */
export interface BuiltPackage {
  readonly name: string
  readonly version: string
  readonly description: string
}

const packageNames = ["adapter-core", "pco", "apismith", "schedulehub", "rest", "n8n", "sync-engine", "server"] as const

const readPackage = (name: string) =>
  Effect.tryPromise(() => readFile(new URL(`../../${name}/package.json`, import.meta.url), "utf8")).pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(Schema.fromJsonString(PackageJson))),
    Effect.map((pkg): BuiltPackage => ({ name: pkg.name, version: pkg.version, description: pkg.description ?? "" }))
  )

/** This build: its version (the server package's) and its packages. */
export const describeBuild = Effect.gen(function* () {
  const packages = yield* Effect.forEach(packageNames, readPackage)
  const server = packages.find((pkg) => pkg.name === "@syncflow/server")
  return { version: server?.version ?? "0.0.0", packages }
})
