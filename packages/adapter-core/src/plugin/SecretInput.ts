/**
 * The schema of a secret in a plugin's credentials input: a non-empty string, `Redacted` once
 * decoded (never printed or logged), published in the JSON Schema as `writeOnly` with
 * `format: "password"` so forms mask it and never show it back.
 */
import { Schema } from "effect"

/** A secret field of a plugin's credentials (or settings) input. */
export const SecretInput = Schema.Redacted(Schema.NonEmptyString.annotate({ writeOnly: true, format: "password" }))
