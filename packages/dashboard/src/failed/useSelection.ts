/** The rows ticked in a list, by key; forgotten when the list changes. */
import { useCallback, useState } from "react"

/** The ticked keys of a list whose rows are `keys` (a new list clears the ticks). */
export const useSelection = (keys: ReadonlyArray<string>) => {
  const listKey = keys.join("\n")
  const [state, setState] = useState<{ readonly listKey: string; readonly ticked: ReadonlySet<string> }>({
    listKey,
    ticked: new Set()
  })
  const ticked: ReadonlySet<string> = state.listKey === listKey ? state.ticked : new Set()
  const toggle = useCallback(
    (key: string, on: boolean) =>
      setState((old) => {
        const next = new Set(old.listKey === listKey ? old.ticked : [])
        if (on) next.add(key)
        else next.delete(key)
        return { listKey, ticked: next }
      }),
    [listKey]
  )
  const all = keys.length > 0 && keys.every((key) => ticked.has(key))
  const toggleAll = useCallback(
    (on: boolean) => setState({ listKey, ticked: on ? new Set(listKey === "" ? [] : listKey.split("\n")) : new Set() }),
    [listKey]
  )
  return { ticked, toggle, all, toggleAll }
}
