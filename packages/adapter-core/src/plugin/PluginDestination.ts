/**
 * What a connector plugin declares to be a destination that SyncFlow pushes into (a sync
 * definition's `destination: { kind: "connector" }`): the fields of the target's records that hold
 * each row's identity, and the fields the target assigns itself (never sent). A child names its
 * parent by the parent's business-key hash in the field its manifest's parent `foreignKey` gives.
 */

/** The target's fields holding a row's identity. */
export interface PluginIdentityFields {
  /** The business-key hash (unique per entity among live records; `RecordWriter.lookup` finds by it). */
  readonly keyHash: string
  /** The row's data hash. */
  readonly dataHash: string
  /** The source's row version, if the target keeps it. */
  readonly rowVersion?: string | undefined
}

/** How a plugin's connectors are pushed into. */
export interface PluginDestination {
  readonly identityFields: PluginIdentityFields
  /** Fields the target assigns (e.g. its own id): never sent. */
  readonly assignedFields?: ReadonlyArray<string> | undefined
}
