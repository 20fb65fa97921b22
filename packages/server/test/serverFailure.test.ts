/**
 * A bug while answering is a 500 problem (RFC 9457) without details, not an empty body; the
 * server's global middleware on a router whose route dies.
 */
import { assert, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { ServerFailure } from "../src/http/ServerFailure.ts"
import { UnknownRoute } from "../src/http/UnknownRoute.ts"

const routes = Layer.mergeAll(
  HttpRouter.add("GET", "/boom", Effect.die(new Error("a bug with a secret inside"))),
  ServerFailure,
  UnknownRoute
)

it.effect("a defect is a 500 problem that shows nothing of the bug; an unknown route stays a 404 problem", () =>
  Effect.acquireUseRelease(
    Effect.sync(() => HttpRouter.toWebHandler(routes, { disableLogger: true })),
    ({ handler }) =>
      Effect.promise(async () => {
        const boom = await handler(new Request("http://localhost/boom"))
        assert.strictEqual(boom.status, 500)
        assert.match(boom.headers.get("content-type") ?? "", /^application\/problem\+json/)
        const body = await boom.text()
        assert.deepInclude(JSON.parse(body), { status: 500, title: "Internal Server Error" })
        assert.notInclude(body, "secret")
        const missing = await handler(new Request("http://localhost/nowhere"))
        assert.strictEqual(missing.status, 404)
        assert.match(missing.headers.get("content-type") ?? "", /^application\/problem\+json/)
      }),
    ({ dispose }) => Effect.promise(dispose)
  )
)
