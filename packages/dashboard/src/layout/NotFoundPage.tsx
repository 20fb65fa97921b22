/** A client route the dashboard does not have. */
import { Link } from "wouter"

/** The page for an unknown path. */
export const NotFoundPage = () => (
  <section>
    <h1>Page not found</h1>
    <p>
      There is no such page. <Link href="/">Back to the overview</Link>.
    </p>
  </section>
)
