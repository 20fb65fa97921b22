/**
 * Builds the dashboard into `dist/` (served by `syncflow serve` at `/`); `bundleBudget` prints the
 * first load's compressed size and fails a build over 300 KiB or with a Node-only module. Vite's own
 * notes about Node modules it stubbed while resolving the server's API definition are left out: the
 * budget plugin fails the build if any of them reaches the bundle.
 */
import react from "@vitejs/plugin-react"
import { defineConfig } from "vite"
import { bundleBudget } from "./build/bundleBudget.ts"

export default defineConfig({
  plugins: [react(), bundleBudget()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      onLog(level, log, handler) {
        if (log.plugin === "rolldown:vite-resolve" && log.message.includes("externalized for browser compatibility"))
          return
        handler(level, log)
      }
    }
  }
})
