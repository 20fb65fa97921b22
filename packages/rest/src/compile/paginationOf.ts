/**
 * A stream's pagination, compiled from its document into one of adapter-core's styles (offset,
 * page number, cursor token, next link) reading the decoded body at the document's paths.
 */
import { Pagination } from "@syncflow/adapter-core"
import { getPath, parseFieldPath } from "../document/FieldPath.ts"
import type { StreamSpec } from "../document/StreamSpec.ts"
import { isRawRecord } from "../records/strayElement.ts"

/**
 * A stream's pagination over its (already decoded, so well-shaped) bodies. Its items are the
 * elements of the records array as the upstream sent them: objects, or strays of another type.
 */
export const paginationOf = (stream: StreamSpec): Pagination.Pagination<unknown, unknown> => {
  const recordsPath = parseFieldPath(stream.records ?? "")
  const items = (body: unknown): ReadonlyArray<unknown> => {
    // The response schema made the records an array.
    const found = getPath(body, recordsPath)
    return Array.isArray(found) ? found : []
  }
  const reader = (path: string | undefined) => {
    if (path === undefined) return undefined
    const parsed = parseFieldPath(path)
    return (body: unknown) => getPath(body, parsed)
  }
  const number = (path: string | undefined) => {
    const read = reader(path)
    return read === undefined
      ? undefined
      : (body: unknown) => {
          const value = read(body)
          return typeof value === "number" ? value : undefined
        }
  }
  const flag = (path: string | undefined) => {
    const read = reader(path)
    return read === undefined
      ? undefined
      : (body: unknown) => {
          const value = read(body)
          return typeof value === "boolean" ? value : undefined
        }
  }
  const text = (value: unknown): string | undefined =>
    typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined

  const pagination = stream.pagination ?? { style: "none" as const }
  switch (pagination.style) {
    case "none":
      return {
        style: "offset",
        items,
        request: () => ({ _tag: "Query", query: {} }),
        next: () => undefined
      }
    case "offset": {
      const total = number(pagination.total)
      return Pagination.offsetLimit({
        items,
        ...(pagination.offsetParam === undefined ? {} : { offsetParam: pagination.offsetParam }),
        ...(pagination.limitParam === undefined ? {} : { limitParam: pagination.limitParam }),
        ...(total === undefined ? {} : { total })
      })
    }
    case "page-number": {
      const totalPages = number(pagination.totalPages)
      const hasMore = flag(pagination.hasMore)
      return Pagination.pageNumber({
        items,
        ...(pagination.pageParam === undefined ? {} : { pageParam: pagination.pageParam }),
        ...(pagination.sizeParam === undefined ? {} : { sizeParam: pagination.sizeParam }),
        ...(pagination.firstPage === undefined ? {} : { firstPage: pagination.firstPage }),
        ...(totalPages === undefined ? {} : { totalPages }),
        ...(hasMore === undefined ? {} : { hasMore })
      })
    }
    case "cursor": {
      const hasMore = flag(pagination.hasMore)
      const source = pagination.token
      const token =
        "path" in source
          ? (
              (read) => (body: unknown) =>
                text(read(body))
            )(reader(source.path) ?? (() => undefined))
          : "header" in source
            ? (
                (name) => (_body: unknown, headers: Readonly<Record<string, string | undefined>>) =>
                  headers[name]
              )(source.header.toLowerCase())
            : // The last record's field: a stray element after it holds no token.
              (
                (field) => (body: unknown) =>
                  text(items(body).findLast(isRawRecord)?.[field])
              )(source.lastRecord)
      return Pagination.cursorToken({
        items,
        ...(pagination.tokenParam === undefined ? {} : { tokenParam: pagination.tokenParam }),
        ...(pagination.sizeParam === undefined ? {} : { sizeParam: pagination.sizeParam }),
        nextToken: (body, headers) => (hasMore?.(body) === false ? undefined : token(body, headers))
      })
    }
    case "next-link": {
      const next = pagination.next
      const read = next === "link-header" ? undefined : reader(next.path)
      return Pagination.nextLink({
        items,
        next: read === undefined ? "link-header" : (body) => text(read(body)),
        ...(pagination.sizeParam === undefined ? {} : { sizeParam: pagination.sizeParam })
      })
    }
  }
}
