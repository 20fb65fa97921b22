/**
 * Stage 7 for a target system: how a child record names its parents there. A target such as
 * ScheduleHub keeps a child's parent as the parent's business-key hash in a field of the child
 * (its `via`); this builds, from the source's manifests, the function giving that hash for a child
 * row, for `ApiDestination`'s `references`.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import type { ParentReference } from "../../destination/ApiDestination.ts"
import { makeBusinessKeyHash } from "../identity/BusinessKeyHash.ts"
import { StageConfigError } from "../StageConfigError.ts"
import { makeStages, type StagesOptions } from "../Stages.ts"
import { parentHashOf } from "./ParentLink.ts"

/** Which field of a child entity holds which parent's business-key hash (ScheduleHub: a `parents` entry). */
export interface ParentVia {
  readonly entity: string
  readonly via: string
}

/**
 * The references of `manifest`'s rows to the parents `vias` names: each parent must be one of the
 * manifest's parents, with a manifest among `manifests` (its business key is hashed as a sync of it
 * would, with `stages` of that entity).
 */
export const parentReferences = Effect.fnUntraced(function* (
  manifest: EntityManifest,
  manifests: ReadonlyArray<EntityManifest>,
  vias: ReadonlyArray<ParentVia>,
  stages?: (manifest: EntityManifest) => StagesOptions | undefined
) {
  const references: Array<ParentReference> = []
  for (const { entity, via } of vias) {
    const parent = manifest.parents.find((p) => p.entity === entity)
    const parentManifest = manifests.find((m) => m.entity === entity)
    if (parent === undefined || parentManifest === undefined) {
      return yield* new StageConfigError({
        stage: "map",
        message: `${manifest.entity}: ${entity} is not a parent with a manifest, so ${via} cannot name it`
      })
    }
    const parentKey = (yield* makeStages(parentManifest, stages?.(parentManifest))).mapper.businessKey
    const parentHash = yield* makeBusinessKeyHash(parentKey)
    const link = {
      parentEntity: entity,
      parentTarget: { schema: "", table: entity },
      foreignKey: parent.foreignKey,
      parentKey,
      parentHash
    }
    references.push({ parentEntity: entity, via, parentHash: (row) => parentHashOf(link, row) })
  }
  return references
})
