/**
 * Small edits of PostgreSQL connection URLs.
 */

/** The same connection URL with another database (the path), keeping credentials and parameters. */
export const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

/** A connection URL with its password masked, for messages. */
export const maskPassword = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    return "<unparsable URL>"
  }
}
