// CSV and JSON exports of a result: what the export buttons write. Pure text builders.

import type { RunResult } from '../../../src/core/result';
import { summaryTable, expectationLines } from './summary';

function csvField(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(rows: (string | number | boolean | undefined | null)[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** One row per variant: the summary table's columns as raw numbers, then expectations. */
export function summaryCsv(result: RunResult): string {
  const t = summaryTable(result, null);
  const header = ['variant', ...t.columns.map((c) => c.key), 'expectations_passed', 'expectations_total'];
  return csv([header, ...t.rows.map((r) => [r.variant, ...r.cells.map((c) => c.value), r.expectationsPassed, r.expectationsTotal])]);
}

/** Long format time series: one row per variant and sample, one column per node field,
 *  cgroup and sampled counter. */
export function seriesCsv(result: RunResult): string {
  const fields = ['MemFree', 'FilePages', 'AnonPages', 'AnonHugePages', 'Active', 'Inactive'] as const;
  const nodeIds = [...new Set(result.variants.flatMap((v) => v.series.nodes.map((n) => n.node)))].sort((a, b) => a - b);
  const cgroups = [...new Set(result.variants.flatMap((v) => v.series.cgroups.map((c) => c.name)))];
  const counters = [...new Set(result.variants.flatMap((v) => Object.keys(v.series.vmstat)))].sort();
  const header = [
    'variant',
    't_ms',
    ...nodeIds.flatMap((n) => fields.map((f) => `node${n}.${f}_kB`)),
    ...cgroups.map((c) => `cgroup.${c}.memory_current_bytes`),
    ...counters,
  ];
  const rows: (string | number)[][] = [header];
  for (const v of result.variants) {
    const byNode = new Map(v.series.nodes.map((n) => [n.node, n]));
    const byCg = new Map(v.series.cgroups.map((c) => [c.name, c]));
    for (let i = 0; i < v.series.t_ms.length; i++) {
      const row: (string | number)[] = [v.name, v.series.t_ms[i]];
      for (const n of nodeIds) {
        const ns = byNode.get(n);
        for (const f of fields) row.push(ns ? ns[f][i] : '');
      }
      for (const c of cgroups) row.push(byCg.get(c)?.memory_current[i] ?? '');
      for (const k of counters) row.push(v.series.vmstat[k]?.[i] ?? '');
      rows.push(row);
    }
  }
  return csv(rows);
}

export function eventsCsv(result: RunResult): string {
  const rows: (string | number | undefined)[][] = [['variant', 't_ms', 'kind', 'node', 'pages', 'duration_ms', 'workload', 'cause']];
  for (const v of result.variants) {
    for (const e of v.events) rows.push([v.name, e.t_ms, e.kind, e.node, e.pages, e.duration_ms, e.workload, e.cause]);
  }
  return csv(rows);
}

export function expectationsCsv(result: RunResult): string {
  return csv([['expectation', 'passed', 'detail'], ...expectationLines(result).map((e) => [e.text, e.passed, e.detail])]);
}

/** A file-name-safe stem from the scenario title. */
export function fileStem(title: string): string {
  const s = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'numa-run';
}

export function resultJson(result: RunResult): string {
  return JSON.stringify(result, null, 1) + '\n';
}
