/**
 * Reads an RFC 8288 `Link` header (`<https://…?page=2>; rel="next", <…>; rel="last"`).
 */

/** The URL with the given relation (`next` by default), or `undefined` when there is none. */
export const parseLinkHeader = (header: string | undefined, rel = "next"): string | undefined => {
  if (header === undefined) return undefined
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part)
    if (match === null) continue
    const [, url, params = ""] = match
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(params)?.[1]?.trim().split(/\s+/) ?? []
    if (url !== undefined && rels.some((r) => r.toLowerCase() === rel)) return url
  }
  return undefined
}
