/**
 * The admin dashboard at `/`: the static files `packages/dashboard` builds (`dist/`, or the directory
 * `SYNCFLOW_DASHBOARD_DIR` names), read once when the server starts and kept with their gzip and
 * brotli forms. Hashed assets (`/assets/*`) are cached for a year (`immutable`); `index.html` is
 * revalidated on every load, and answers every other page path (the dashboard's client routes, e.g.
 * `/runs/123`). The API, `/docs`, `/openapi.json`, `/metrics` and webhooks keep their own routes: a
 * path under them that no route matches stays a 404 problem. Without a built dashboard, `/` says how
 * to build it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { extname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { brotliCompressSync, constants, gzipSync } from "node:zlib"
import { Config, Effect, Option } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { NotFound } from "../api/ApiErrors.ts"
import { problemResponse } from "../api/Problem.ts"
import { chooseEncoding } from "./Compression.ts"

/** Where the dashboard is built in this repository (and beside `@syncflow/server` once installed). */
export const defaultDashboardDir = fileURLToPath(new URL("../../../dashboard/dist", import.meta.url))

/** Path prefixes the dashboard never answers: the server's own routes. */
const serverPrefixes = ["/api/", "/webhooks/", "/metrics", "/docs", "/openapi.json"]

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8"
}

/** One built file, with its compressed forms when they are smaller. */
interface StaticFile {
  readonly contentType: string
  readonly cacheControl: string
  readonly body: Uint8Array
  readonly gzip: Uint8Array | undefined
  readonly br: Uint8Array | undefined
}

const compressible = (contentType: string) =>
  contentType.startsWith("text/") || contentType.includes("json") || contentType.includes("svg")

const staticFile = (urlPath: string, body: Uint8Array): StaticFile => {
  const contentType = contentTypes[extname(urlPath)] ?? "application/octet-stream"
  const smaller = (packed: Uint8Array) => (packed.byteLength < body.byteLength ? packed : undefined)
  const packable = compressible(contentType) && body.byteLength > 512
  return {
    contentType,
    cacheControl: urlPath.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    body,
    gzip: packable ? smaller(gzipSync(body, { level: 9 })) : undefined,
    br: packable ? smaller(brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })) : undefined
  }
}

/** Every file under `dir`, by its URL path (`/index.html`, `/assets/index-abc.js`). */
export const loadStaticFiles = (dir: string): ReadonlyMap<string, StaticFile> => {
  const files = new Map<string, StaticFile>()
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name)
      if (statSync(path).isDirectory()) walk(path)
      else {
        const urlPath = `/${relative(dir, path).split(sep).join("/")}`
        files.set(urlPath, staticFile(urlPath, new Uint8Array(readFileSync(path))))
      }
    }
  }
  if (existsSync(dir)) walk(dir)
  return files
}

const notBuilt = (dir: string) =>
  HttpServerResponse.text(
    `The dashboard is not built (no ${dir}/index.html): run \`npx -y pnpm@10.34.9 --filter @syncflow/dashboard build\` and restart the server. The admin API is at /api/v1 (/docs).`,
    { status: 404 }
  )

const respond = (file: StaticFile, acceptEncoding: string | undefined) => {
  const encoding = chooseEncoding(acceptEncoding)
  const packed = encoding === "br" ? file.br : encoding === "gzip" ? file.gzip : undefined
  const headers: Record<string, string> = { "cache-control": file.cacheControl, vary: "Accept-Encoding" }
  if (packed !== undefined && encoding !== undefined) headers["content-encoding"] = encoding
  return HttpServerResponse.uint8Array(packed ?? file.body, { contentType: file.contentType, headers })
}

/** The dashboard's routes: its files, and `index.html` for its client routes. */
export const DashboardRoute = HttpRouter.use((router) =>
  Effect.gen(function* () {
    const configured = yield* Config.option(Config.String("SYNCFLOW_DASHBOARD_DIR"))
    const dir = Option.getOrElse(configured, () => defaultDashboardDir)
    const files = loadStaticFiles(dir)
    const index = files.get("/index.html")
    const handle = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const path = request.url.split("?")[0] ?? "/"
      const acceptEncoding = request.headers["accept-encoding"]
      const file = files.get(path)
      if (file !== undefined) return respond(file, acceptEncoding)
      // A server route, or a missing asset: a problem, never the page.
      if (serverPrefixes.some((prefix) => path.startsWith(prefix)) || extname(path) !== "") {
        return yield* problemResponse(
          new NotFound({ detail: `No route ${request.method} ${path}: see /openapi.json or /docs` })
        )
      }
      return index === undefined ? notBuilt(dir) : respond(index, acceptEncoding)
    })
    yield* router.add("GET", "/", handle)
    yield* router.add("GET", "/*", handle)
  })
)
