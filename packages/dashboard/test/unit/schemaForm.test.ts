/**
 * The forms generated from adapters' JSON Schemas: a choice of credential kinds gives one variant
 * each, secrets are password fields never filled back, and the inputs make the JSON the API takes
 * (numbers parsed, empty optional fields left out) or name the fields that are wrong.
 */
import { describe, expect, it } from "vitest"
import { emptyInputs, formValue, formVariants, inputsOf, labelOf } from "../../src/connectors/schemaForm.ts"

// As `GET /api/v1/adapters` publishes the APISmith adapter's schemas.
const settingsSchema = {
  type: "object",
  properties: {
    baseUrl: { type: "string" },
    pageSize: { type: "integer", minimum: 1, maximum: 1000, description: "Rows per page" },
    rateLimit: {
      type: "object",
      properties: { limit: { type: "integer" }, windowSeconds: { type: "number" } },
      required: ["limit", "windowSeconds"]
    },
    timeoutSeconds: { anyOf: [{ type: "number" }, { type: "string", enum: ["Infinity", "-Infinity", "NaN"] }] },
    verbose: { type: "boolean" }
  },
  required: ["baseUrl"],
  additionalProperties: false
}
const credentialsSchema = {
  anyOf: [
    {
      type: "object",
      properties: {
        type: { type: "string", enum: ["serviceJwt"] },
        secret: { type: "string", allOf: [{ minLength: 1, format: "password", writeOnly: true }] },
        issuer: { type: "string", minLength: 1 }
      },
      required: ["type", "secret"]
    },
    {
      type: "object",
      properties: {
        type: { type: "string", enum: ["oauth2"] },
        clientId: { type: "string" },
        clientSecret: { $ref: "#/$defs/Secret" },
        scopes: { type: "array", items: { type: "string", enum: ["people", "services"] } }
      },
      required: ["type", "clientId", "clientSecret"]
    }
  ],
  $defs: { Secret: { type: "string", writeOnly: true, format: "password" } }
}

describe("schemaForm", () => {
  it("gives one variant for an object schema, with a field per property in its kind", () => {
    const [variant, ...others] = formVariants(settingsSchema)
    expect(others).toEqual([])
    expect(variant?.name).toBeUndefined()
    expect(variant?.fields.map((field) => [field.name, field.kind, field.required])).toEqual([
      ["baseUrl", "text", true],
      ["pageSize", "integer", false],
      ["rateLimit", "json", false],
      ["timeoutSeconds", "number", false],
      ["verbose", "boolean", false]
    ])
    expect(variant?.fields[1]).toMatchObject({ minimum: 1, maximum: 1000, description: "Rows per page" })
  })

  it("gives one variant per credential kind, its type fixed; secrets are password fields", () => {
    const variants = formVariants(credentialsSchema)
    expect(variants.map((variant) => variant.name)).toEqual(["serviceJwt", "oauth2"])
    expect(variants[0]?.fixed).toEqual({ type: "serviceJwt" })
    expect(variants[0]?.fields.map((field) => [field.name, field.kind])).toEqual([
      ["secret", "password"],
      ["issuer", "text"]
    ])
    expect(variants[1]?.fields.map((field) => [field.name, field.kind, field.options])).toEqual([
      ["clientId", "text", []],
      ["clientSecret", "password", []],
      ["scopes", "choices", ["people", "services"]]
    ])
  })

  it("makes the JSON the API takes: numbers parsed, JSON parsed, empty optional fields left out", () => {
    const [variant] = formVariants(settingsSchema)
    if (variant === undefined) throw new Error("no variant")
    const value = formValue(variant, {
      ...emptyInputs(variant),
      baseUrl: " http://erp.local ",
      pageSize: "250",
      rateLimit: '{"limit": 5, "windowSeconds": 1}',
      verbose: true
    })
    expect(value).toEqual({
      _tag: "Value",
      value: { baseUrl: "http://erp.local", pageSize: 250, rateLimit: { limit: 5, windowSeconds: 1 }, verbose: true }
    })
    const [jwt] = formVariants(credentialsSchema)
    if (jwt === undefined) throw new Error("no variant")
    // A secret is taken as typed (spaces and all); the kind is set.
    expect(formValue(jwt, { secret: " s3cret ", issuer: "" })).toEqual({
      _tag: "Value",
      value: { type: "serviceJwt", secret: " s3cret " }
    })
  })

  it("names the wrong fields: missing, not a whole number, out of range, bad JSON", () => {
    const [variant] = formVariants(settingsSchema)
    if (variant === undefined) throw new Error("no variant")
    expect(formValue(variant, { ...emptyInputs(variant), pageSize: "2.5", rateLimit: "{" })).toEqual({
      _tag: "Problems",
      problems: { baseUrl: "required", pageSize: "expected a whole number", rateLimit: "expected JSON" }
    })
    expect(formValue(variant, { ...emptyInputs(variant), baseUrl: "x", pageSize: "5000" })).toEqual({
      _tag: "Problems",
      problems: { pageSize: "expected at most 1000" }
    })
  })

  it("shows stored settings back, but never a secret", () => {
    const oauth = formVariants(credentialsSchema)[1]
    if (oauth === undefined) throw new Error("no variant")
    expect(inputsOf(oauth, { clientId: "app", clientSecret: "hidden", scopes: ["people"] })).toEqual({
      clientId: "app",
      clientSecret: "",
      scopes: ["people"]
    })
    expect(labelOf("discoveryTtlSeconds")).toBe("Discovery ttl seconds")
  })
})
