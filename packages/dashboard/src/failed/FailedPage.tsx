/**
 * The failed records and pending children pages (`/failed/*`). Part B of issue #20 (branch dash20b)
 * builds listing, inspecting, retrying and discarding here.
 */

/** The failed records page. */
export const FailedPage = () => (
  <section aria-labelledby="failed-title">
    <h1 id="failed-title">Failed records</h1>
    <p className="muted">Failed records and pending children are listed here.</p>
  </section>
)
