/** Waiting, through the admin API of the test server, for a sync run of an entity to end. */
import { Effect, Option, Schema } from "effect"
import { RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually } from "./fixtures.ts"

/** The newest run of `connector`'s `entity` once it has ended, when it is not the run `after`. */
export const finishedRun = (connector: string, entity: string, after?: string) =>
  eventually(
    Effect.map(call("GET", `/api/v1/runs?connector=${connector}&entity=${entity}&limit=1`), (reply) => {
      const [run] = bodyAs(reply, Schema.Array(RunView))
      return run !== undefined && run.status !== "running" && run.id !== after ? Option.some(run) : Option.none()
    })
  )
