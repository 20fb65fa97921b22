/**
 * A Vite plugin keeping the dashboard's first load small and browser-only: after the build it
 * prints the gzip size of the JavaScript the page loads first (the entry and what it imports
 * statically) and fails the build over `budgetKiB`, or when a Node-only module (`node:*`, stubbed by
 * Vite as `__vite-browser-external`) reached the bundle, e.g. through a server import.
 */
import { gzipSync } from "node:zlib"
import type { Plugin } from "vite"

/** The first load's compressed JavaScript, at most. */
export const budgetKiB = 300

/** The plugin. */
export const bundleBudget = (): Plugin => ({
  name: "syncflow-bundle-budget",
  apply: "build",
  generateBundle(_options, bundle) {
    const chunks = Object.values(bundle).flatMap((item) => (item.type === "chunk" ? [item] : []))
    const nodeOnly = chunks.flatMap((chunk) =>
      Object.entries(chunk.modules)
        .filter(
          ([id, module]) =>
            module.renderedLength > 0 && (id.includes("__vite-browser-external") || id.startsWith("node:"))
        )
        .map(([id]) => id)
    )
    if (nodeOnly.length > 0)
      this.warn(
        `Node-only modules in the dashboard bundle: ${nodeOnly.map((id) => `${id} (${this.getModuleInfo(id)?.importers.join(" ")})`).join(", ")}`
      )
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]))
    const firstLoad = new Set<string>()
    const visit = (fileName: string): void => {
      const chunk = byName.get(fileName)
      if (chunk === undefined || firstLoad.has(fileName)) return
      firstLoad.add(fileName)
      for (const imported of chunk.imports) visit(imported)
    }
    for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName)
    const bytes = [...firstLoad].reduce((sum, fileName) => sum + gzipSync(byName.get(fileName)?.code ?? "").length, 0)
    const kib = bytes / 1024
    this.info(`first load: ${kib.toFixed(1)} KiB of gzip JavaScript (budget ${budgetKiB} KiB)`)
    if (kib > budgetKiB) this.error(`the first load is ${kib.toFixed(1)} KiB of gzip JavaScript, over ${budgetKiB} KiB`)
  }
})
