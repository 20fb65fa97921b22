/**
 * A mapping entry's nested source paths through the Transform stage (`makeTransformer`, pure): a
 * nested field (`address.city`), a list element by index (`lines[0].sku`), every element
 * (`tags[*]`, `lines[*].qty`), each with its default and required flag; a path that misses is null
 * (then the default), a required one a per-field issue; prototype names never reach a prototype.
 */
import { assert, describe, it } from "@effect/vitest"
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { makeTransformer } from "../../src/mappings/Transformer.ts"

const columns: ReadonlyArray<ColumnManifest> = [
  { name: "id", type: "string", nullable: false, businessKey: true },
  { name: "address", type: "json", nullable: true, businessKey: false },
  { name: "lines", type: "json", nullable: true, businessKey: false },
  { name: "tags", type: "json", nullable: true, businessKey: false }
]

const transformer = Effect.runSync(
  makeTransformer(
    { columns, businessKey: ["id"] },
    {
      mapping: {
        entries: [
          { source: "id", target: "id" },
          { source: "address.city", target: "city", type: "string", default: "nowhere" },
          { source: "lines[0].sku", target: "first_sku", type: "string", required: true },
          { source: "tags[*]", target: "tags" },
          { source: "lines[*].qty", target: "quantities" },
          { source: "address.__proto__", target: "proto" }
        ]
      }
    }
  )
)

describe("nested source paths", () => {
  it("read nested fields, list elements by index and every element", () => {
    const { row, issues } = transformer.apply({
      id: "A1",
      address: { city: "Oslo", zip: "0150" },
      lines: [
        { sku: "S-1", qty: 2 },
        { sku: "S-2", qty: 5 }
      ],
      tags: ["vip", "north"]
    })
    assert.isUndefined(issues)
    assert.deepStrictEqual(row, {
      id: "A1",
      city: "Oslo",
      first_sku: "S-1",
      tags: ["vip", "north"],
      quantities: [2, 5],
      proto: null
    })
    assert.deepStrictEqual(
      transformer.spec.columns.map((c) => [c.name, c.type]),
      [
        ["id", "string"],
        ["city", "string"],
        ["first_sku", "string"],
        ["tags", "json"],
        ["quantities", "json"],
        ["proto", "json"]
      ]
    )
  })

  it("a path that misses is null, then its default; a required one is an issue naming the field", () => {
    const { row, issues } = transformer.apply({ id: "A2", address: null, lines: [], tags: null })
    assert.deepInclude(row, { city: "nowhere", first_sku: null, tags: null })
    assert.deepStrictEqual(
      (issues ?? []).map((issue) => [issue.field, issue.reason]),
      [["first_sku", "Required"]]
    )
  })
})
