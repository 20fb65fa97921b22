/**
 * CEL expressions compiled once and evaluated per row: values in and out, compile errors with the
 * expression and the position, per-row failures as values naming the expression and the inputs, and
 * hostile expressions (prototype access, huge strings, deep nesting, unbounded constructs) refused
 * at compile time or bounded per row.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import {
  compileExpression,
  type Expression,
  ExpressionError,
  tryCompileExpression
} from "../../src/expressions/index.ts"

const compiled = (text: string): Expression => {
  const result = tryCompileExpression(text)
  if (Result.isFailure(result)) throw new Error(`${text}: ${result.failure.message}`)
  return result.success
}

const refusal = (text: string): ExpressionError => {
  const result = tryCompileExpression(text)
  if (Result.isSuccess(result)) throw new Error(`${text} compiled`)
  return result.failure
}

const value = (text: string, row: Record<string, unknown>) => {
  const result = compiled(text).evaluate(row)
  if (Result.isFailure(result)) throw new Error(`${text}: ${result.failure.message}`)
  return result.success
}

describe("expressions", () => {
  it("evaluates on a row's fields: arithmetic mixing ints and doubles, text, nested fields, lists", () => {
    const row = {
      qty: 3,
      unit_price: 2.5,
      name: "  Bolt ",
      customer: { address: { city: "Oslo" } },
      tags: ["vip", "eu"],
      big: 9007199254740993n
    }
    assert.strictEqual(value("qty * unit_price + 1", row), 8.5)
    assert.strictEqual(value("qty + 1", row), 4)
    assert.strictEqual(value("name.trim().upperAscii()", row), "BOLT")
    assert.strictEqual(value("customer.address.city + '/' + tags[0]", row), "Oslo/vip")
    assert.strictEqual(value('"vip" in tags && qty > 2', row), true)
    assert.strictEqual(value("missing == null ? 'none' : 'some'", row), "none")
    assert.strictEqual(value("big", row), "9007199254740993")
    assert.strictEqual(value("2 + 3", row), 5)
    assert.strictEqual(value('timestamp("2024-05-01T10:00:00Z")', row), "2024-05-01T10:00:00.000Z")
    assert.deepStrictEqual(value('{"a": [qty, name.size()]}', row), { a: [3, 7] })
    assert.deepStrictEqual(compiled("qty * unit_price + missing").variables.toSorted(), [
      "missing",
      "qty",
      "unit_price"
    ])
  })

  it.effect("a compile error names the expression, the position and the reason", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(compileExpression("qty * (unit_price +"))
      assert.instanceOf(error, ExpressionError)
      assert.strictEqual(error.expression, "qty * (unit_price +")
      assert.strictEqual(error.reason, "SyntaxError")
      assert.strictEqual(error.position, 19)
      const typed = refusal('1 + "a"')
      assert.strictEqual(typed.reason, "TypeError")
    })
  )

  it("a row it fails on is a value naming the expression, the reason and the row's inputs", () => {
    const ratio = compiled("total / count")
    const ok = ratio.evaluate({ total: 10, count: 4, other: "x" })
    assert.deepStrictEqual(ok, Result.succeed(2.5))
    const byZero = compiled("total / int(count)").evaluate({ total: 10, count: 0 })
    assert.isTrue(Result.isFailure(byZero))
    if (Result.isFailure(byZero)) {
      assert.strictEqual(byZero.failure.expression, "total / int(count)")
      assert.deepStrictEqual(byZero.failure.inputs, { total: 10, count: 0 })
    }
    const infinite = ratio.evaluate({ total: 10, count: 0 })
    assert.isTrue(Result.isFailure(infinite) && infinite.failure.reason === "UnsupportedResult")
    const notNumber = compiled("int(code) + 1").evaluate({ code: "A-1" })
    assert.isTrue(Result.isFailure(notNumber) && notNumber.failure.reason === "int_conversion_error")
    const predicate = compiled("status").test({ status: "open" })
    assert.isTrue(Result.isFailure(predicate) && predicate.failure.reason === "NotABoolean")
    assert.deepStrictEqual(compiled("status == 'open'").test({ status: "open" }), Result.succeed(true))
  })

  describe("hostile expressions", () => {
    it("prototype access is refused at compile time, and a dynamic key cannot reach it", () => {
      for (const text of [
        "r.__proto__",
        'r["__proto__"]',
        "r.constructor",
        "constructor",
        "name.constructor.prototype"
      ]) {
        const error = refusal(text)
        assert.strictEqual(error.reason, "ForbiddenProperty", text)
      }
      assert.strictEqual(refusal("r.constructor").position, 2) // at the field name
      assert.strictEqual(refusal("__proto__").reason, "SyntaxError") // names starting with __ are reserved
      assert.strictEqual(refusal('x.constructor.constructor("return process")()').reason, "SyntaxError")
      const dynamicKey = compiled("r[k]").evaluate({ r: { a: 1 }, k: "__proto__" })
      assert.isTrue(Result.isFailure(dynamicKey) && dynamicKey.failure.reason === "no_such_key")
      const ownProto = compiled("r[k]").evaluate({ r: JSON.parse('{"__proto__": {"polluted": 1}}'), k: "__proto__" })
      assert.deepStrictEqual(ownProto, Result.succeed({ polluted: 1 }))
      assert.strictEqual(({} as Record<string, unknown>).polluted, undefined)
    })

    it("constructs whose cost is not bounded by the expression's size are refused", () => {
      for (const text of [
        's.split("").map(c, s + s)',
        "[1, 2].exists(x, [1, 2].all(y, y > x))",
        "xs.filter(x, x > 1)",
        "cel.bind(a, s + s, cel.bind(b, a + a, b + b))",
        's.matches("^(a+)+$")',
        'matches(s, "(a|a)*b")'
      ]) {
        assert.strictEqual(refusal(text).reason, "Forbidden", text)
      }
    })

    it("deep nesting, huge literals and long expressions are refused at compile time", () => {
      assert.strictEqual(refusal(`${"(".repeat(100)}1${")".repeat(100)}`).reason, "TooComplex")
      assert.strictEqual(refusal(`[${Array.from({ length: 150 }, (_, i) => i).join(",")}]`).reason, "TooComplex")
      assert.strictEqual(refusal(`s${" + s".repeat(300)}`).reason, "TooComplex")
      assert.strictEqual(refusal(`"${"a".repeat(5_000)}"`).reason, "TooLong")
    })

    it("huge strings by repetition are bounded per row: input and result sizes fail the row", () => {
      // About the longest result the node bound allows: 128 copies of the input.
      const repeat = compiled(`s${" + s".repeat(127)}`)
      assert.deepStrictEqual(repeat.evaluate({ s: "ab" }), Result.succeed("ab".repeat(128)))
      const tooBig = repeat.evaluate({ s: "x".repeat(1_000) })
      assert.isTrue(Result.isFailure(tooBig) && tooBig.failure.reason === "ResultTooLarge")
      const input = compiled("s.size()").evaluate({ s: "x".repeat(70_000) })
      assert.isTrue(Result.isFailure(input) && input.failure.reason === "InputTooLarge")
      const list = compiled("size(xs)").evaluate({ xs: Array.from({ length: 70_000 }, () => 1) })
      assert.isTrue(Result.isFailure(list) && list.failure.reason === "InputTooLarge")
      const limited = tryCompileExpression("s + s", { maxResultSize: 10 })
      assert.isTrue(Result.isSuccess(limited))
      if (Result.isSuccess(limited)) {
        const r = limited.success.evaluate({ s: "123456" })
        assert.isTrue(Result.isFailure(r) && r.failure.reason === "ResultTooLarge")
      }
    })
  })
})
