/**
 * A failure a command ends with, as the one line `syncflow` prints for it on stderr: what could
 * not be done and its root cause (`connection refused`, `database "x" does not exist`, the
 * configuration variable that is wrong), instead of a multi-level stack trace.
 */
import { Predicate } from "effect"

/** The failure and its causes, outermost first (each `cause` that is an object). */
const causeChain = (failure: unknown): ReadonlyArray<object> => {
  const chain: Array<object> = []
  let current: unknown = failure
  while (Predicate.isObject(current) && chain.length < 12 && !chain.includes(current)) {
    chain.push(current)
    current = Predicate.hasProperty(current, "cause") ? current.cause : undefined
  }
  return chain
}

const messageOf = (value: object): string | undefined =>
  Predicate.hasProperty(value, "message") && typeof value.message === "string" && value.message.trim() !== ""
    ? value.message.replace(/\s+/g, " ").trim()
    : undefined

const tagOf = (value: object): string | undefined =>
  Predicate.hasProperty(value, "_tag") && typeof value._tag === "string" ? value._tag : undefined

/** A socket error code, as a person reads it. */
const networkReasons: Record<string, string> = {
  ECONNREFUSED: "connection refused (is PostgreSQL running and listening there?)",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS lookup failed)",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ECONNRESET: "connection reset"
}

/** The root cause, worded for a person. */
const rootReason = (chain: ReadonlyArray<object>): string => {
  for (const value of [...chain].reverse()) {
    const code = Predicate.hasProperty(value, "code") && typeof value.code === "string" ? value.code : undefined
    if (code !== undefined && networkReasons[code] !== undefined) return networkReasons[code]
  }
  const messages = chain.map(messageOf).filter((message) => message !== undefined)
  const root = messages.at(-1) ?? "unknown error"
  if (root === "Invalid URL") return "DATABASE_URL is not a valid postgres:// URL"
  return root
}

/** Where `DATABASE_URL` points, without its credentials: `host:port/database`. */
const databaseTarget = (databaseUrl: string | undefined): string | undefined => {
  if (databaseUrl === undefined || databaseUrl.trim() === "") return undefined
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname}${url.port === "" ? "" : `:${url.port}`}${url.pathname === "/" ? "" : url.pathname}`
  } catch {
    return undefined
  }
}

const isDatabaseFailure = (chain: ReadonlyArray<object>): boolean =>
  chain.some((value) => {
    const tag = tagOf(value) ?? ""
    const message = messageOf(value) ?? ""
    return tag === "SqlError" || tag.startsWith("StateStore") || message.startsWith("PgConnection")
  })

/** `X at ["NAME"]` in a configuration error: the variable's name. */
const configVariable = (message: string): string | undefined => /at \["([^"\]]+)"\]/.exec(message)?.[1]

/**
 * The line describing `failure` (without the `syncflow: ` prefix). `databaseUrl` is the
 * configured `DATABASE_URL`, to say where a connection failed (never its credentials).
 */
export const describeFailure = (failure: unknown, databaseUrl?: string): string => {
  const chain = causeChain(failure)
  if (chain.some((value) => tagOf(value) === "ConfigError")) {
    const text = chain.map(messageOf).filter((message) => message !== undefined)
    const root = text.at(-1) ?? "invalid value"
    const variable = text.map(configVariable).find((name) => name !== undefined)
    const reason = root.replace(/ at \[[^\]]*\]$/, "").replace(/^SchemaError\((.*)\)$/, "$1")
    return variable === undefined ? `invalid configuration: ${reason}` : `invalid configuration: ${variable}: ${reason}`
  }
  if (isDatabaseFailure(chain)) {
    const target = databaseTarget(databaseUrl)
    const where = target === undefined ? "PostgreSQL" : `PostgreSQL at ${target} (DATABASE_URL)`
    return `cannot use ${where}: ${rootReason(chain)}`
  }
  const outer = chain[0] === undefined ? undefined : messageOf(chain[0])
  const root = rootReason(chain)
  if (outer === undefined) return root
  return outer === root || outer.endsWith(root) ? outer : `${outer}: ${root}`
}
