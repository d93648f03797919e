// For sweeps over several knobs (`sweep a = ... x b = ... x c = ...`): a chosen metric over two
// of the knobs, the other knobs held at chosen values. The result lists a product's points in
// order with the last knob changing fastest, so a point's place follows from its index.

import type { ResultSweep, RunResult } from '../../../src/core/result';
import { metricValue } from '../../../src/core/expectations';

export interface HeatMapChoice {
  /** Axis indexes (into sweep.axes) across and up. */
  x: number;
  y: number;
  /** For every axis, the index of the value it is held at (used for the axes other than x and y). */
  fixed: number[];
}

export interface HeatMap {
  metric: string;
  xKnob: string;
  yKnob: string;
  xLabels: string[];
  yLabels: string[];
  /** values[row][col]: row is the y value's index, col the x value's; null where the run lacks
   *  the point (a partial run) or the variant lacks the metric. */
  values: (number | null)[][];
  variants: (string | null)[][];
  /** The knobs held fixed and the value each is held at. */
  fixed: { knob: string; value: string }[];
  min: number;
  max: number;
}

/** The indexes of the sweeps that cross two knobs or more. */
export function productSweeps(result: RunResult): number[] {
  return result.sweeps.flatMap((s, i) => ((s.axes?.length ?? 0) >= 2 ? [i] : []));
}

/** Each point's value index on every axis, in the order of sweep.variants. */
export function pointIndexes(sweep: ResultSweep): number[][] {
  const axes = sweep.axes ?? [];
  return sweep.variants.map((_, i) => {
    const idx = new Array<number>(axes.length);
    let rest = i;
    for (let j = axes.length - 1; j >= 0; j--) {
      const n = Math.max(1, axes[j].values.length);
      idx[j] = rest % n;
      rest = Math.floor(rest / n);
    }
    return idx;
  });
}

/** The choice made valid for this sweep: x and y distinct axes (defaults: the first two), each
 *  fixed value within its axis (default: the first). */
export function normalizeChoice(sweep: ResultSweep, want: Partial<HeatMapChoice>): HeatMapChoice {
  const n = sweep.axes?.length ?? 0;
  const ok = (a: number | undefined): a is number => a !== undefined && Number.isInteger(a) && a >= 0 && a < n;
  const x = ok(want.x) ? want.x : 0;
  const y = ok(want.y) && want.y !== x ? want.y : x === 0 ? 1 : 0;
  const fixed = (sweep.axes ?? []).map((a, j) => {
    const f = want.fixed?.[j];
    return f !== undefined && Number.isInteger(f) && f >= 0 && f < a.values.length ? f : 0;
  });
  return { x, y, fixed };
}

export function heatMap(result: RunResult, sweepIndex: number, metric: string, choice: HeatMapChoice): HeatMap | null {
  const sweep = result.sweeps[sweepIndex];
  const axes = sweep?.axes;
  if (!axes || axes.length < 2) return null;
  const { x, y, fixed } = normalizeChoice(sweep, choice);
  const xs = axes[x].values.map(String);
  const ys = axes[y].values.map(String);
  const values: (number | null)[][] = ys.map(() => xs.map(() => null));
  const variants: (string | null)[][] = ys.map(() => xs.map(() => null));
  const byName = new Map(result.variants.map((v) => [v.name, v]));
  let min = Infinity;
  let max = -Infinity;
  pointIndexes(sweep).forEach((idx, i) => {
    if (!idx.every((v, j) => j === x || j === y || v === fixed[j])) return;
    const name = sweep.variants[i];
    variants[idx[y]][idx[x]] = name;
    const v = byName.get(name);
    const value = v ? metricValue(v, metric) : undefined;
    if (value === undefined) return;
    values[idx[y]][idx[x]] = value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  });
  return {
    metric,
    xKnob: axes[x].knob,
    yKnob: axes[y].knob,
    xLabels: xs,
    yLabels: ys,
    values,
    variants,
    fixed: axes.flatMap((a, j) => (j === x || j === y ? [] : [{ knob: a.knob, value: String(a.values[fixed[j]]) }])),
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 0,
  };
}

/** Where a value falls between the map's min and max, 0 to 1 (0.5 when all are equal). */
export function shade(map: HeatMap, value: number): number {
  return map.max > map.min ? (value - map.min) / (map.max - map.min) : 0.5;
}
