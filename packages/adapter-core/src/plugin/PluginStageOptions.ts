/**
 * The default stage options of a plugin's entities, as plain data. adapter-core does not depend on
 * the sync engine: this is the part of sync-engine's `StagesOptions` an adapter needs to set, with
 * the same shape, so a value of this type is accepted wherever `StagesOptions` is.
 */

/** Default stage options of a plugin's entities (a subset of sync-engine's `StagesOptions`). */
export interface PluginStageOptions {
  readonly normalize?: {
    /** Layer 1: `emptyStringIsNull: false` where `""` is a value (it is null by default, as in Oracle). */
    readonly coerce?: { readonly emptyStringIsNull?: boolean }
    /** Field mappings: `metaFields` are source fields that are not data (row versions, keys). */
    readonly mapping?: { readonly metaFields?: ReadonlyArray<string> }
  }
  /** Logical fields that must not be null, besides the business key and the non-nullable columns. */
  readonly required?: ReadonlyArray<string>
}
