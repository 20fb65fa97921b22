import { defineConfig } from "vitest/config"

// One run covers every package. PostgreSQL starts once per run (see tooling/testing-pg);
// each test file gets its own database, so files run in parallel.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "tooling/*/test/**/*.test.ts"],
    globalSetup: ["tooling/testing-pg/src/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"]
  }
})
