/**
 * A substream's foreign key to its parent: the placeholders when they are filled from exactly the
 * parent's primary key (in the key's order), else the parent's key copied into each child record
 * as `<parent>_<field>` — what the sync engine needs to link a child row to its parent row.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { compileSource } from "../src/compile/compileSource.ts"
import { readDocument } from "../src/document/readDocument.ts"

const compiled = (path: string, params: string) => {
  const document = readDocument(`
baseUrl: https://api.example.com
streams:
  - name: shops
    path: /shops
    primaryKey: [region, code]
  - name: orders
    path: ${path}
    parent: { stream: shops, params: ${params} }
    primaryKey: id
`)
  if (Result.isFailure(document)) return assert.fail(document.failure.message)
  return compileSource(document.success).stream("orders")
}

describe("substream foreign keys", () => {
  it("placeholders filled from the parent's whole key are the foreign key, in the key's order", () => {
    const orders = compiled("/shops/{c}/{r}/orders", "{ c: code, r: region }")
    assert.deepStrictEqual(orders?.manifest.parents, [{ entity: "shops", foreignKey: ["r", "c"] }])
    assert.deepStrictEqual(orders?.parentLink?.copied, [])
  })

  it("placeholders filled from other fields: the parent's key is copied into each child", () => {
    const orders = compiled("/shops/{slug}/orders", "{ slug: slug }")
    assert.deepStrictEqual(orders?.manifest.parents, [{ entity: "shops", foreignKey: ["shops_region", "shops_code"] }])
    assert.deepStrictEqual(orders?.parentLink?.copied, [
      { field: "shops_region", parentField: "region" },
      { field: "shops_code", parentField: "code" }
    ])
  })
})
