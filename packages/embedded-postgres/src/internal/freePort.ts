/**
 * A TCP port on 127.0.0.1 that nothing listens on right now.
 */
import { createServer } from "node:net"
import { Effect } from "effect"

/** Asks the operating system for a free port on 127.0.0.1 (by listening on port 0), then releases it. */
export const freePort: Effect.Effect<number, Error> = Effect.callback<number, Error>((resume) => {
  const server = createServer()
  server.once("error", (error) => resume(Effect.fail(error)))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = address !== null && typeof address === "object" ? address.port : 0
    server.close(() =>
      resume(port > 0 ? Effect.succeed(port) : Effect.fail(new Error("the operating system gave no port")))
    )
  })
})
