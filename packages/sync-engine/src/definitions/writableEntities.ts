/**
 * The entities a connector's adapter can write now. Some adapters learn them from the upstream's
 * schema when their manifests are read (ScheduleHub does not call its API when its connector is
 * built), so a process that has not read them yet — a server that did not run the discovery, a CLI —
 * reads the manifests once when the entity asked for is not among them.
 */
import type { Adapter, AdapterError } from "@syncflow/adapter-core"
import { Effect } from "effect"

/** The writable entities of `adapter`, reading its manifests first when `entity` is not among them. */
export const writableEntities = (
  adapter: Adapter,
  entity: string
): Effect.Effect<ReadonlyArray<string>, AdapterError> =>
  Effect.gen(function* () {
    const writer = adapter.write
    if (writer === undefined) return []
    if (writer.entities.includes(entity)) return writer.entities
    yield* adapter.manifests
    return writer.entities
  })
