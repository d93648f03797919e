// Closed-loop time per workload: each variant's run time, unfinished workloads and where each
// workload's time went (summary.workloads[i].time_ms), and the throughput and ns/access series
// over time (series.workload_perf), as plain data for the panel's table and charts.

import type { RunResult, VariantResult } from '../../../src/core/result';
import { timeAxisSeconds } from './residency';

/** The parts of a workload's time, in the order the bar stacks them. */
export const TIME_PARTS = ['compute', 'memory', 'fault', 'reclaim', 'compaction', 'swapin', 'migration'] as const;
export type TimePart = (typeof TIME_PARTS)[number];

export interface WorkloadTime {
  workload: string;
  /** null: the workload did not finish within the run (or was killed). */
  runtimeMs: number | null;
  unfinished: boolean;
  /** ms of run time per part, and their sum. */
  parts: Record<TimePart, number>;
  totalMs: number;
  accesses: number;
  avgAccessNs: number;
}

export interface VariantTimes {
  variant: string;
  /** Simulated time at which the run ended, ms. */
  endMs: number;
  unfinished: string[];
  workloads: WorkloadTime[];
}

/** Every variant's workloads with their run time and time split; workloads that spent no time
 *  (no closed-loop work, no stall, no access) are left out. */
export function workloadTimes(result: RunResult): VariantTimes[] {
  return result.variants.map((v) => {
    const unfinished = v.summary.unfinished ?? [];
    const workloads = (v.summary.workloads ?? []).flatMap((w): WorkloadTime[] => {
      const t = w.time_ms;
      const parts = Object.fromEntries(TIME_PARTS.map((k) => [k, t && Number.isFinite(t[k]) ? Math.max(0, t[k]) : 0])) as Record<TimePart, number>;
      const totalMs = TIME_PARTS.reduce((s, k) => s + parts[k], 0);
      const runtimeMs = w.runtime_ms ?? null;
      if (totalMs <= 0 && runtimeMs === null && !unfinished.includes(w.name) && !(w.accesses > 0)) return [];
      return [{ workload: w.name, runtimeMs, unfinished: unfinished.includes(w.name), parts, totalMs, accesses: w.accesses ?? 0, avgAccessNs: w.avg_access_ns ?? 0 }];
    });
    return { variant: v.name, endMs: v.summary.end_ms ?? 0, unfinished, workloads };
  });
}

export interface PerfChart {
  x: Float64Array;
  /** One per workload that made accesses: accesses per second and ns per access over the
   *  interval before each sample (null where it made none, so the line breaks). */
  series: { name: string; perSecond: (number | null)[]; nsPerAccess: (number | null)[] }[];
}

/** The variant's per-workload throughput and cost per access over time, or null when no
 *  workload accessed memory (or the result predates the series). */
export function perfChart(variant: VariantResult): PerfChart | null {
  const perf = variant.series.workload_perf ?? [];
  const series = perf
    .filter((p) => p.accesses_per_s.some((a) => a > 0))
    .map((p) => ({
      name: p.name,
      perSecond: p.accesses_per_s.map((a) => (a > 0 ? a : null)),
      nsPerAccess: p.ns_per_access.map((ns, i) => (p.accesses_per_s[i] > 0 ? ns : null)),
    }));
  if (series.length === 0) return null;
  return { x: timeAxisSeconds(variant.series.t_ms), series };
}
