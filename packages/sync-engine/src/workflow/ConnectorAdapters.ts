/**
 * Where the workflows get a connector's adapter from. The engine knows adapters only through the
 * Adapter contract, so whoever wires the engine (the server, a test) says how a stored connector
 * becomes an `Adapter` and which stage options its entities need.
 */
import type { Adapter, EntityManifest, PluginDestination } from "@syncflow/adapter-core"
import { Context, type Duration, type Effect, Schema } from "effect"
import type { StagesOptions } from "../stages/Stages.ts"

/** A connector's adapter, ready to list its entities, with the stage options of each entity. */
export interface ConnectorRuntime {
  readonly adapter: Adapter
  /** Stage options for an entity (e.g. an adapter's meta fields); `undefined` for the defaults. */
  readonly stages: (manifest: EntityManifest) => StagesOptions | undefined
  /**
   * How long the connector's discovered manifests are reused before a sync rediscovers them (10
   * minutes when absent; `0` rediscovers before every sync). See `freshManifests`.
   */
  readonly discoveryTtl?: Duration.Input | undefined
  /** When the connector last changed (epoch milliseconds): discoveries before it are stale. */
  readonly changedAt?: number | undefined
  /**
   * How sync definitions push into this connector (its plugin's `destination`: identity fields);
   * absent: it cannot be a definition's destination.
   */
  readonly destination?: PluginDestination | undefined
}

/** A connector that cannot be turned into an adapter: unknown id, unknown adapter type, bad settings. */
export class ConnectorUnavailable extends Schema.TaggedError<ConnectorUnavailable>()("ConnectorUnavailable", {
  connectorId: Schema.String,
  message: Schema.String
}) {}

/** Resolves a connector id to its running adapter. */
export class ConnectorAdapters extends Context.Service<
  ConnectorAdapters,
  {
    /** The connector's adapter; the same connector may be asked for many times (cache as you see fit). */
    readonly runtime: (connectorId: string) => Effect.Effect<ConnectorRuntime, ConnectorUnavailable>
  }
>()("@syncflow/sync-engine/workflow/ConnectorAdapters") {}
