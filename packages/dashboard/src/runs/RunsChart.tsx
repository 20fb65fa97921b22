/**
 * The chart of an entity's runs over time (loaded on demand, with uPlot, so the first load stays
 * small): records fetched per second (left axis) and duration in seconds (right axis) of each
 * ended run, with its legend; the numbers are also in a table for keyboards and screen readers.
 */
import { useEffect, useRef } from "react"
import uPlot from "uplot"
import "uplot/dist/uPlot.min.css"
import type { RunChartData } from "./runChartData.ts"

const height = 260

/** Props: the chart's columns and what it is of. */
export interface RunsChartProps {
  readonly data: RunChartData
  readonly label: string
}

/** The chart (the module's default export, for `React.lazy`). */
const RunsChart = ({ data, label }: RunsChartProps) => {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = box.current
    if (element === null) return
    const width = () => Math.max(280, element.clientWidth)
    const chart = new uPlot(
      {
        width: width(),
        height,
        scales: { x: { time: true }, rate: {}, seconds: {} },
        series: [
          { label: "started" },
          { label: "rows/s", scale: "rate", stroke: "#0b57d0", width: 2, points: { show: true, size: 6 } },
          {
            label: "duration (s)",
            scale: "seconds",
            stroke: "#b45309",
            width: 2,
            dash: [6, 4],
            points: { show: true, size: 6 }
          }
        ],
        axes: [
          {},
          { scale: "rate", label: "rows/s" },
          { scale: "seconds", label: "seconds", side: 1, grid: { show: false } }
        ]
      },
      [[...data.times], [...data.rowsPerSecond], [...data.durationSeconds]],
      element
    )
    const observer = new ResizeObserver(() => chart.setSize({ width: width(), height }))
    observer.observe(element)
    return () => {
      observer.disconnect()
      chart.destroy()
    }
  }, [data])
  return (
    <figure className="runs-chart" data-points={data.times.length}>
      <div ref={box} role="img" aria-label={`Rows per second and duration of ${label}'s runs over time`} />
      <figcaption className="muted">
        {label}: {data.times.length} run{data.times.length === 1 ? "" : "s"}, rows/s (solid) and duration (dashed)
      </figcaption>
      <details>
        <summary>As a table</summary>
        <div className="table-wrap">
          <table aria-label={`Runs of ${label}`}>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Rows/s
                </th>
                <th scope="col" className="num">
                  Duration (s)
                </th>
              </tr>
            </thead>
            <tbody>
              {data.times.map((time, index) => (
                <tr key={time}>
                  <td>{new Date(time * 1000).toLocaleString()}</td>
                  <td className="num">{data.rowsPerSecond[index]?.toLocaleString("en-US")}</td>
                  <td className="num">{data.durationSeconds[index]?.toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}

export default RunsChart
