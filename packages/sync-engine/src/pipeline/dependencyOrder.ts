/**
 * The order to sync a connector's entities in: parents before their children.
 */
import type { EntityManifest } from "@syncflow/adapter-core"

/** The manifests sorted so every entity comes after the entities it depends on (stable otherwise). */
export const dependencyOrder = (manifests: ReadonlyArray<EntityManifest>): ReadonlyArray<EntityManifest> => {
  const byName = new Map(manifests.map((m) => [m.entity, m]))
  const ordered: Array<EntityManifest> = []
  const state = new Map<string, "visiting" | "done">()
  const visit = (manifest: EntityManifest) => {
    const mark = state.get(manifest.entity)
    if (mark === "done" || mark === "visiting") return // a cycle is broken where it closes
    state.set(manifest.entity, "visiting")
    for (const parent of manifest.parents) {
      const parentManifest = byName.get(parent.entity)
      if (parentManifest !== undefined) visit(parentManifest)
    }
    state.set(manifest.entity, "done")
    ordered.push(manifest)
  }
  for (const manifest of manifests) visit(manifest)
  return ordered
}
