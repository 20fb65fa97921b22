/**
 * What `syncflow serve` tells its operators: one JSON object per log line on stderr, with the
 * connector (and run, entity) as annotations and the trace and span ids; and traces exported over
 * OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (in-process details: otelExport.test.ts).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Duration, Effect, Redacted } from "effect"
import { bin } from "./cliProcess.ts"
import { secretKey } from "./fixtures.ts"
import { exited } from "./serverProcess.ts"

/** A collector on loopback that keeps the body of every POST to `/v1/traces`. */
const collector = Effect.acquireRelease(
  Effect.promise(
    () =>
      new Promise<{ readonly url: string; readonly traces: Array<string>; readonly close: () => void }>((resolve) => {
        const traces: Array<string> = []
        const server = createServer((request, response) => {
          let body = ""
          request.on("data", (chunk: Buffer) => {
            body += chunk.toString("utf8")
          })
          request.on("end", () => {
            if (request.method === "POST" && request.url === "/v1/traces") traces.push(body)
            response.writeHead(200, { "content-type": "application/json" }).end("{}")
          })
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resolve({ url: `http://127.0.0.1:${port}`, traces, close: () => server.close() })
        })
      })
  ),
  (server) => Effect.sync(() => server.close())
)

const listening = (child: ChildProcess, lines: Array<string>) =>
  new Promise<string>((resolve, reject) => {
    let buffer = ""
    child.stderr?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8")
      const complete = buffer.split("\n")
      buffer = complete.pop() ?? ""
      for (const line of complete) {
        lines.push(line)
        const match = /Listening on http:\/\/[^:]+:(\d+)/.exec(line)
        if (match !== null) resolve(`http://127.0.0.1:${match[1]}`)
      }
    })
    child.once("exit", (code) =>
      reject(new Error(`the server exited (${code}) before listening:\n${lines.join("\n")}`))
    )
  })

layer(PgTest.layer, { timeout: 120_000, excludeTestServices: true })("serve: logs and traces", (it) => {
  it.effect(
    "logs JSON lines with annotations, and exports traces to the configured OTLP endpoint",
    () =>
      Effect.gen(function* () {
        const otlp = yield* collector
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          PORT: "0",
          DATABASE_URL: Redacted.value(yield* PgTest.databaseUrl),
          SYNCFLOW_SECRET_KEY: Redacted.value(secretKey),
          SYNCFLOW_API_KEY: "observability-key",
          SYNCFLOW_SCHEDULER: "false",
          OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          OTEL_SERVICE_NAME: "syncflow-otel-test"
        }
        const lines: Array<string> = []
        const child = yield* Effect.acquireRelease(
          Effect.sync(() => spawn(process.execPath, [bin, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] })),
          (child) =>
            Effect.promise(async () => {
              if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
              await exited(child)
            })
        )
        const url = yield* Effect.promise(() => listening(child, lines)).pipe(Effect.timeout(Duration.seconds(60)))
        const created = yield* Effect.promise(() =>
          fetch(`${url}/api/v1/connectors`, {
            method: "POST",
            headers: { authorization: "Bearer observability-key", "content-type": "application/json" },
            body: JSON.stringify({
              id: "traced",
              adapter: "apismith",
              name: "Traced",
              config: { baseUrl: "http://127.0.0.1:9" },
              credentials: { type: "bearer", token: "never-logged-token" }
            })
          }).then((response) => response.status)
        )
        assert.strictEqual(created, 201)

        // A clean stop flushes the last spans.
        child.kill("SIGTERM")
        yield* Effect.promise(() => exited(child)).pipe(Effect.timeout(Duration.seconds(60)))

        const parsed = lines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as unknown)
        assert.isNotEmpty(parsed)
        for (const entry of parsed) assert.containsAllKeys(entry, ["message", "level", "timestamp", "annotations"])
        const createdLine = parsed.find((entry) =>
          JSON.stringify(entry).includes('"annotations":{"connector":"traced"}')
        )
        assert.isDefined(createdLine, lines.join("\n"))
        // Written while serving the request: the line names the request's trace and span.
        assert.match(JSON.stringify(createdLine), /"traceId":"[0-9a-f]{32}","spanId":"[0-9a-f]{16}"/)
        assert.notInclude(lines.join("\n"), "never-logged-token")

        const exported = otlp.traces.join("\n")
        assert.include(exported, "resourceSpans")
        assert.include(exported, "syncflow-otel-test")
        assert.include(exported, "ConnectorStore.createConnector")
        assert.notInclude(exported, "never-logged-token")
      }).pipe(Effect.scoped),
    // A real server process: seconds to start on a loaded machine.
    120_000
  )
})
