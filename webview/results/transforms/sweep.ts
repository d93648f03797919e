// For sweeps: a chosen metric of each sweep point against the swept knob's value.

import type { RunResult } from '../../../src/core/result';
import { KEY_COUNTERS } from './summary';

export interface SweepChart {
  knob: string;
  metric: string;
  /** Numeric knob values, or the index of each value when the knob is not numeric. */
  x: Float64Array;
  /** The knob values as written, for tick labels. */
  labels: string[];
  numeric: boolean;
  y: Float64Array;
  variants: string[];
}

/** Metrics a sweep can be charted by: the two headline figures, then counters present. */
export function sweepMetrics(result: RunResult): string[] {
  const present = new Set<string>();
  for (const v of result.variants) for (const k of Object.keys(v.summary.vmstat)) present.add(k);
  const counters = [
    ...KEY_COUNTERS.filter((c) => present.has(c)),
    ...[...present].filter((c) => !(KEY_COUNTERS as readonly string[]).includes(c)).sort(),
  ];
  return ['avg_access_ns', 'remote_access_ratio', ...counters];
}

export function sweepChart(result: RunResult, sweepIndex: number, metric: string): SweepChart | null {
  const sweep = result.sweeps[sweepIndex];
  // A product of knobs has no one knob to chart against: the heat map shows it.
  if (!sweep || sweep.axes) return null;
  const numeric = sweep.values.every((v) => typeof v === 'number');
  const xs: number[] = [];
  const ys: number[] = [];
  const labels: string[] = [];
  const names: string[] = [];
  sweep.variants.forEach((name, i) => {
    const v = result.variants.find((r) => r.name === name);
    if (!v) return; // a partial or filtered run may lack some points
    const value = sweep.values[i];
    xs.push(numeric ? (value as number) : i);
    labels.push(String(value));
    names.push(name);
    const s = v.summary;
    ys.push(
      metric === 'avg_access_ns' ? s.avg_access_ns : metric === 'remote_access_ratio' ? s.remote_access_ratio : s.vmstat[metric] ?? 0,
    );
  });
  // uPlot wants x ascending.
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  return {
    knob: sweep.knob,
    metric,
    x: Float64Array.from(order.map((i) => xs[i])),
    labels: order.map((i) => labels[i]),
    numeric,
    y: Float64Array.from(order.map((i) => ys[i])),
    variants: order.map((i) => names[i]),
  };
}
