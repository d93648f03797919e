// Thinning long time series for display and transport: a 100,000-sample run is more points than
// a chart has pixels, and shipping every variant's full series to the webview (or every partial
// of a live run) would stall the extension host. The saved result file keeps everything.

import type { Series, VariantResult } from '../core/result';

/** Sample indices to keep so that at most about `maxPoints` remain: in each of maxPoints / 2
 *  buckets, the samples where the machine's free memory is lowest and highest (the dips and
 *  peaks a reader looks for), plus the first and last sample. Indices are ascending, so every
 *  series stays aligned on one time axis. */
export function keptIndices(series: Series, maxPoints: number): number[] | null {
  const n = series.t_ms.length;
  if (n <= maxPoints) return null;
  const free = new Float64Array(n);
  for (const node of series.nodes) for (let i = 0; i < n; i++) free[i] += node.MemFree[i];
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const keep: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = lo;
    let iMax = lo;
    for (let i = lo + 1; i < hi; i++) {
      if (free[i] < free[iMin]) iMin = i;
      if (free[i] > free[iMax]) iMax = i;
    }
    const a = Math.min(iMin, iMax);
    const c = Math.max(iMin, iMax);
    if (a > keep[keep.length - 1]) keep.push(a);
    if (c > keep[keep.length - 1]) keep.push(c);
  }
  if (keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}

function pick(a: number[], idx: number[]): number[] {
  const out = new Array<number>(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
}

export function decimateSeries(series: Series, maxPoints: number): Series {
  const idx = keptIndices(series, maxPoints);
  if (!idx) return series;
  const vmstat: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(series.vmstat)) vmstat[k] = pick(v, idx);
  return {
    t_ms: pick(series.t_ms, idx),
    nodes: series.nodes.map((n) => ({
      node: n.node,
      MemFree: pick(n.MemFree, idx),
      FilePages: pick(n.FilePages, idx),
      AnonPages: pick(n.AnonPages, idx),
      AnonHugePages: pick(n.AnonHugePages, idx),
      Active: pick(n.Active, idx),
      Inactive: pick(n.Inactive, idx),
    })),
    cgroups: series.cgroups.map((c) => ({ name: c.name, memory_current: pick(c.memory_current, idx) })),
    workloads: series.workloads.map((w) => ({ name: w.name, node: w.node, resident_kB: pick(w.resident_kB, idx) })),
    vmstat,
    // Saved results from before closed-loop time have no per-workload performance series.
    workload_perf: (series.workload_perf ?? []).map((w) => ({
      name: w.name, accesses: pick(w.accesses, idx), accesses_per_s: pick(w.accesses_per_s, idx), ns_per_access: pick(w.ns_per_access, idx),
      ...(w.cpu_node ? { cpu_node: pick(w.cpu_node, idx) } : {}),
    })),
  };
}

export function decimateVariant(v: VariantResult, maxPoints: number): VariantResult {
  const series = decimateSeries(v.series, maxPoints);
  return series === v.series ? v : { ...v, series };
}

/** Points per series a panel receives: the whole run up to a budget of about two million
 *  numbers across all variants, never fewer than 2,000 (twice a wide chart's pixels). */
export function displayPointsPerSeries(variants: VariantResult[]): number {
  const seriesCount = variants.reduce(
    (s, v) => s + v.series.nodes.length * 6 + v.series.cgroups.length + v.series.workloads.length + Object.keys(v.series.vmstat).length + 1,
    0,
  );
  return Math.max(2000, Math.floor(2_000_000 / Math.max(1, seriesCount)));
}
