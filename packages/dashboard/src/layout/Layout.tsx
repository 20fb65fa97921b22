/**
 * The frame of every signed-in page: a skip link, the header with the navigation (wrapping into
 * rows on a phone) and sign-out, and the page in `<main>`.
 */
import type { ReactNode } from "react"
import { Link, useRoute } from "wouter"

const NavLink = ({ href, children }: { readonly href: string; readonly children: ReactNode }) => {
  const [exact] = useRoute(href)
  const [nested] = useRoute(`${href}/*`)
  const active = exact || (href !== "/" && nested)
  return (
    <Link href={href} aria-current={active ? "page" : undefined} className={active ? "active" : undefined}>
      {children}
    </Link>
  )
}

/** The pages of the navigation, in order. */
export const navigation: ReadonlyArray<{ readonly href: string; readonly label: string }> = [
  { href: "/", label: "Overview" },
  { href: "/connectors", label: "Connectors" },
  { href: "/runs", label: "Runs" },
  { href: "/failed", label: "Failed records" },
  { href: "/conflicts", label: "Conflicts" }
]

/** The signed-in frame around `children`. */
export const Layout = ({ children, onSignOut }: { readonly children: ReactNode; readonly onSignOut: () => void }) => (
  <>
    <a className="skip-link" href="#main">
      Skip to content
    </a>
    <header className="topbar">
      <span className="brand">SyncFlow</span>
      <nav aria-label="Main">
        {navigation.map((item) => (
          <NavLink key={item.href} href={item.href}>
            {item.label}
          </NavLink>
        ))}
      </nav>
      <button type="button" className="secondary" onClick={onSignOut}>
        Sign out
      </button>
    </header>
    <main id="main" tabIndex={-1}>
      {children}
    </main>
  </>
)
