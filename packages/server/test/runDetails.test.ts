/**
 * The lines `syncflow runs show` prints for a run (a view built here, as the API gives it): the
 * stage counts always; the field mapping's Transform stage (its version, records and time) only for
 * a run with one; one line per ETL step (rows in, out, skipped, failed, time) only for a run with
 * steps. (`mappingsCli.test.ts` runs the command itself on a run with a field mapping.)
 */
import { assert, describe, it } from "@effect/vitest"
import type { RunView } from "../src/api/Views.ts"
import { runDetails } from "../src/cli/runsCommand.ts"

const base: typeof RunView.Type = {
  id: "0430d813-0aad-44a2-862b-aa0b5fab2477",
  connectorId: "erp",
  entity: "customers",
  definitionId: "swedish-customers",
  mode: "incremental",
  status: "succeeded",
  live: false,
  startedAt: "2026-12-07T21:11:35.347Z",
  finishedAt: "2026-12-07T21:11:35.544Z",
  durationMs: 197,
  counts: {
    fetched: 40,
    normalized: 40,
    validated: 40,
    mapped: 40,
    inserted: 8,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    failed: 0,
    orphaned: 0
  },
  error: null,
  typeMismatches: []
}

describe("syncflow runs show", () => {
  it("prints the stage counts, and no transform or step lines for a run without them", () => {
    assert.deepStrictEqual(runDetails(base), [
      "0430d813-0aad-44a2-862b-aa0b5fab2477  succeeded  erp/customers  incremental",
      "  started:  2026-12-07T21:11:35.347Z",
      "  finished: 2026-12-07T21:11:35.544Z  (0.2 s)",
      "  fetched 40  inserted 8  updated 0  unchanged 0  deleted 0  failed 0  orphaned 0"
    ])
  })

  it("prints the Transform stage and each ETL step with its rows and time", () => {
    const lines = runDetails({
      ...base,
      counts: { ...base.counts, transformed: 40 },
      mappingVersion: 3,
      transformMs: 1.26,
      etlSteps: [
        { step: "pipeline[0] filter", input: 40, output: 8, skipped: 32, failed: 0, ms: 1.06 },
        { step: "pipeline[1] map", input: 8, output: 7, skipped: 0, failed: 1, ms: 0.57 }
      ]
    })
    assert.deepStrictEqual(lines.slice(4), [
      "  transform (mapping v3): 40 records  1.3 ms",
      "  pipeline[0] filter: in 40  out 8  skipped 32  failed 0  1.1 ms",
      "  pipeline[1] map: in 8  out 7  skipped 0  failed 1  0.6 ms"
    ])
  })
})
