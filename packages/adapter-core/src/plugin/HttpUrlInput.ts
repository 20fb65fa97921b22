/**
 * The schema of an http(s) URL in a plugin's settings (an upstream's base URL): any other text, or
 * another protocol, is refused with "expected an http(s) URL".
 */
import { Schema } from "effect"

/** An absolute http or https URL. */
export const HttpUrlInput = Schema.String.check(
  Schema.makeFilter(
    (url: string) => (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) || "expected an http(s) URL"
  )
).annotate({ format: "uri" })
