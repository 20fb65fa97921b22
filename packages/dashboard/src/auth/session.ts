/**
 * The signed-in admin key, kept in `sessionStorage`: it lasts while the tab does and is never
 * written to disk-backed storage or sent anywhere but this server's API.
 */

const storageKey = "syncflow.adminKey"

/** The key of this session, if signed in. */
export const readSessionKey = (): string | null => window.sessionStorage.getItem(storageKey)

/** Keeps `key` for this session. */
export const storeSessionKey = (key: string): void => window.sessionStorage.setItem(storageKey, key)

/** Forgets the key (sign out, or the server refused it). */
export const clearSessionKey = (): void => window.sessionStorage.removeItem(storageKey)
