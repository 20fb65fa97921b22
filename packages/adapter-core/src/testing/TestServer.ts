/**
 * A real HTTP server on 127.0.0.1 with an Effect handler, for fakes of upstream APIs in tests.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

/** A request as the fake server received it. */
export interface TestRequest {
  readonly method: string
  /** The path and query, as sent (`/items?page=2`). */
  readonly url: URL
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/** What the fake server answers. `body` may be an object (sent as JSON), raw text, or bytes. */
export interface TestResponse {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
  /** Close the connection after writing this many bytes of the body (a truncated response). */
  readonly truncateAt?: number
  /** Destroy the socket without answering (a network error). */
  readonly destroy?: boolean
}

/** A running fake server. */
export interface TestServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly baseUrl: string
  /** Every request received so far, in order. */
  readonly requests: Effect.Effect<ReadonlyArray<TestRequest>>
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const headersOf = (req: IncomingMessage): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

const write = (res: ServerResponse, response: TestResponse): void => {
  if (response.destroy === true) {
    res.socket?.destroy()
    return
  }
  const body = response.body
  const isRaw = body === undefined || typeof body === "string" || body instanceof Uint8Array
  const bytes =
    body === undefined
      ? Buffer.alloc(0)
      : body instanceof Uint8Array
        ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
        : Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8")
  const isJson = !isRaw
  const headers: Record<string, string> = {
    ...(isJson ? { "content-type": "application/json" } : {}),
    ...response.headers
  }
  if (response.truncateAt !== undefined) {
    res.writeHead(response.status ?? 200, { ...headers, "content-length": String(bytes.length) })
    res.write(bytes.subarray(0, response.truncateAt))
    res.socket?.destroy()
    return
  }
  res.writeHead(response.status ?? 200, { ...headers, "content-length": String(bytes.length) })
  res.end(bytes)
}

/** Options of the server. */
export interface TestServerOptions {
  /**
   * The largest request line and headers accepted, in bytes (Node's default is 16 KiB); a fake whose
   * API takes long query strings (ScheduleHub's lookup of 1,000 hashes) raises it.
   */
  readonly maxHeaderSize?: number | undefined
}

/**
 * Starts a server on 127.0.0.1 and a free port for the life of the scope. The handler runs with the
 * caller's services (so it sees the test's clock).
 */
export const make = Effect.fnUntraced(function* <R>(
  handler: (request: TestRequest) => Effect.Effect<TestResponse, never, R>,
  options: TestServerOptions = {}
): Effect.fn.Return<TestServer, never, R | Scope.Scope> {
  const context = yield* Effect.context<R>()
  // Appended in place (a long listing makes thousands of requests); read as a snapshot.
  const log: Array<TestRequest> = []
  const server = createServer(
    options.maxHeaderSize === undefined ? {} : { maxHeaderSize: options.maxHeaderSize },
    (req, res) => {
      readBody(req).then(
        (body) => {
          const request: TestRequest = {
            method: req.method ?? "GET",
            url: new URL(req.url ?? "/", "http://127.0.0.1"),
            headers: headersOf(req),
            body
          }
          log.push(request)
          const program = handler(request).pipe(
            Effect.catchDefect((defect) => Effect.succeed<TestResponse>({ status: 500, body: String(defect) })),
            Effect.map((response) => write(res, response))
          )
          Effect.runForkWith(context)(program)
        },
        () => res.socket?.destroy()
      )
    }
  )
  const port = yield* Effect.acquireRelease(
    Effect.callback<number>((resume) => {
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
    }),
    () =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )
  return { baseUrl: `http://127.0.0.1:${port}`, requests: Effect.sync(() => log.slice()) }
})
