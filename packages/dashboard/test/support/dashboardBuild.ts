/**
 * The dashboard as the tests serve it: `dist/` when it is newer than every source file (the
 * install's build), otherwise a fresh build of the current sources into a temporary directory, so
 * a test never runs against a stale page.
 */
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

/** The dashboard package's directory. */
export const packageDir = fileURLToPath(new URL("../..", import.meta.url))

const newestSource = (dir: string): number =>
  readdirSync(dir).reduce((newest, name) => {
    const path = join(dir, name)
    const stat = statSync(path)
    return Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs)
  }, 0)

/** A directory with the current dashboard built in it. */
export const builtDashboard = Effect.gen(function* () {
  const dist = join(packageDir, "dist")
  const index = join(dist, "index.html")
  const sources = Math.max(
    newestSource(join(packageDir, "src")),
    newestSource(join(packageDir, "public")),
    statSync(join(packageDir, "index.html")).mtimeMs
  )
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return dist
  const outDir = mkdtempSync(join(tmpdir(), "syncflow-dashboard-build-"))
  yield* Effect.promise(async () => {
    const { build } = await import("vite")
    await build({ root: packageDir, logLevel: "warn", build: { outDir, emptyOutDir: true } })
  })
  return outDir
})
