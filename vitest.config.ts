import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

// One run covers every package. PostgreSQL starts once per run (see tooling/testing-pg);
// each test file gets its own database, so files run in parallel.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "tooling/*/test/**/*.test.ts"],
    globalSetup: ["tooling/testing-pg/src/globalSetup.ts"],
    // Vitest's default (one worker fewer than the cores) runs one file at a time on a 2-core machine,
    // while most files wait on PostgreSQL, child processes or loopback HTTP: two or more at once
    // measured 1,193 s for the whole suite beside 1,662 s with one.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"]
  }
})
