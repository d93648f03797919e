// The summary table: one row per variant with ns/access, remote share, the key /proc/vmstat
// counters and the expectations' results, each with its difference against a baseline variant.

import type { RunResult, VariantResult } from '../../../src/core/result';
import { formatFixed } from './format';

/** The counters docs/domain.md names, in the order a reader scans them: placement, reclaim, swap,
 *  compaction and THP, tiering, OOM. Only those that move in at least one variant are shown. */
export const KEY_COUNTERS = [
  'numa_hit',
  'numa_miss',
  'numa_foreign',
  'numa_local',
  'numa_other',
  'pgscan_kswapd',
  'pgscan_direct',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'allocstall',
  'zone_reclaim_success',
  'zone_reclaim_failed',
  'pswpin',
  'pswpout',
  'compact_stall',
  'compact_success',
  'compact_fail',
  'thp_fault_alloc',
  'thp_fault_fallback',
  'thp_split_page',
  'thp_deferred_split_page',
  'numa_hint_faults',
  'numa_hint_faults_local',
  'numa_pages_migrated',
  'pgpromote_candidate',
  'pgpromote_success',
  'pgdemote_kswapd',
  'pgdemote_direct',
  'oom_kill',
] as const;

export type ColumnKind = 'ns' | 'ratio' | 'count' | 'expectations';

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
  /** True when a smaller value is the better one (drives the colour of a difference). */
  lowerIsBetter: boolean | null;
}

export interface Cell {
  value: number;
  /** Against the baseline; null on the baseline row itself or without a baseline. */
  delta: number | null;
  deltaRatio: number | null;
  /** 'better' / 'worse' against the baseline, 'same' or null when not judged. */
  verdict: 'better' | 'worse' | 'same' | null;
  /** A counter the variant's kernel version does not have (value 0, shown as a dash). */
  absent: boolean;
}

export interface Row {
  variant: string;
  /** The kernel version the variant simulated, and what it changed from it (core/versions.ts). */
  kernel: string | null;
  overrides: string[];
  isBaseline: boolean;
  cells: Cell[];
  expectationsPassed: number;
  expectationsTotal: number;
}

export interface SummaryTable {
  columns: Column[];
  rows: Row[];
  baseline: string | null;
}

function metricValue(v: VariantResult, key: string): number {
  if (key === 'avg_access_ns') return v.summary.avg_access_ns;
  if (key === 'remote_access_ratio') return v.summary.remote_access_ratio;
  if (key === 'expectations') return v.summary.expectations.filter((e) => e.passed).length;
  return v.summary.vmstat[key] ?? 0;
}

/** Counters shown: the key ones that are non-zero somewhere. */
export function movingCounters(variants: VariantResult[]): string[] {
  return KEY_COUNTERS.filter((c) => variants.some((v) => (v.summary.vmstat[c] ?? 0) !== 0));
}

export function summaryTable(result: RunResult, baseline: string | null | undefined): SummaryTable {
  const variants = result.variants;
  const columns: Column[] = [
    { key: 'avg_access_ns', label: 'ns/access', kind: 'ns', lowerIsBetter: true },
    { key: 'remote_access_ratio', label: 'remote share', kind: 'ratio', lowerIsBetter: true },
    ...movingCounters(variants).map(
      (c): Column => ({ key: c, label: c, kind: 'count', lowerIsBetter: c === 'oom_kill' ? true : null }),
    ),
  ];
  const base = variants.find((v) => v.name === baseline) ?? null;
  const rows = variants.map((v): Row => {
    const cells = columns.map((col): Cell => {
      const value = metricValue(v, col.key);
      const absent = col.kind === 'count' && v.simulated_kernel !== undefined && !(col.key in v.summary.vmstat);
      if (!base || base === v || absent) return { value, delta: null, deltaRatio: null, verdict: null, absent };
      const b = metricValue(base, col.key);
      const delta = value - b;
      const deltaRatio = b !== 0 ? delta / Math.abs(b) : null;
      let verdict: Cell['verdict'] = null;
      if (delta === 0) verdict = 'same';
      else if (col.lowerIsBetter !== null) verdict = (delta < 0) === col.lowerIsBetter ? 'better' : 'worse';
      return { value, delta, deltaRatio, verdict, absent };
    });
    const exp = v.summary.expectations;
    return {
      variant: v.name,
      kernel: v.simulated_kernel?.version ?? null,
      overrides: v.simulated_kernel?.overrides ?? [],
      isBaseline: base === v,
      cells,
      expectationsPassed: exp.filter((e) => e.passed).length,
      expectationsTotal: exp.length,
    };
  });
  return { columns, rows, baseline: base ? base.name : null };
}

export interface ExpectationLine {
  text: string;
  passed: boolean;
  detail: string;
}

/** The scenario's expectations once each: the run's own list, or else those the variants carry
 *  (a line that any variant reports failed is failed). */
export function expectationLines(result: RunResult): ExpectationLine[] {
  // The core evaluates the scenario's expectations once for the whole run when it can.
  if (result.expectations) return result.expectations.map((e) => ({ text: e.text, passed: e.passed, detail: e.detail }));
  const byText = new Map<string, ExpectationLine>();
  for (const v of result.variants) {
    for (const e of v.summary.expectations) {
      const seen = byText.get(e.text);
      if (!seen) byText.set(e.text, { text: e.text, passed: e.passed, detail: e.detail });
      else if (!e.passed && seen.passed) byText.set(e.text, { text: e.text, passed: false, detail: e.detail });
    }
  }
  return [...byText.values()];
}

/** The headline of a run for the status bar: the best variant by ns/access and the
 *  expectations' tally. */
export function headline(result: RunResult): { text: string; best: string | null; failed: number; total: number } {
  const vs = result.variants;
  if (vs.length === 0) return { text: 'no variants', best: null, failed: 0, total: 0 };
  const best = vs.reduce((a, b) => (b.summary.avg_access_ns < a.summary.avg_access_ns ? b : a));
  const lines = expectationLines(result);
  const failed = lines.filter((l) => !l.passed).length;
  const parts = [
    vs.length === 1
      ? `${formatFixed(best.summary.avg_access_ns, 1)} ns/access`
      : `best ${best.name} ${formatFixed(best.summary.avg_access_ns, 1)} ns/access`,
  ];
  if (lines.length) parts.push(failed ? `${failed}/${lines.length} expectations failed` : `${lines.length} expectations passed`);
  return { text: parts.join(' · '), best: best.name, failed, total: lines.length };
}
