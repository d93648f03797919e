// Names a result can be asked about: in expectations, in completion and in the CLI's table.

import { closest } from './diagnostics';

/** /proc/vmstat counters the simulation produces (docs/domain.md's list plus the few that explain it). */
export const VMSTAT_COUNTERS = [
  'numa_hit', 'numa_miss', 'numa_foreign', 'numa_local', 'numa_other',
  'numa_hint_faults', 'numa_hint_faults_local', 'numa_pages_migrated',
  'pgpromote_success', 'pgpromote_candidate', 'pgdemote_kswapd', 'pgdemote_direct',
  'pgscan_kswapd', 'pgscan_direct', 'pgsteal_kswapd', 'pgsteal_direct',
  'allocstall', 'pswpin', 'pswpout', 'pgmajfault',
  'compact_stall', 'compact_success', 'compact_fail',
  'thp_fault_alloc', 'thp_fault_fallback', 'thp_split_page', 'thp_split_pmd', 'thp_deferred_split_page',
  'zone_reclaim_success', 'zone_reclaim_failed', 'oom_kill', 'kswapd_wakeups', 'pgmigrate_success',
  'numa_promotion_pingpong', 'pgactivate', 'pgdeactivate', 'pgrefill',
  'workingset_refault_anon', 'workingset_refault_file', 'workingset_activate_anon', 'workingset_activate_file',
  'workingset_restore_anon', 'workingset_restore_file',
] as const;

export const SUMMARY_METRICS = ['avg_access_ns', 'remote_access_ratio'] as const;
export const WORKLOAD_METRICS = ['avg_access_ns', 'remote_access_ratio', 'accesses', 'runtime_ms'] as const;
export const NODE_FIELDS = ['MemTotal', 'MemFree', 'FilePages', 'AnonPages', 'AnonHugePages', 'Active', 'Inactive'] as const;
export const CGROUP_METRICS = ['memory_current', 'memory_current_max', 'memory_events_low'] as const;

/** What a metric's number means, so a number with a unit in an expectation can be brought to it:
 *  `time` in ns, `size` in bytes times `per` (meminfo fields are kB, i.e. KiB), `ratio` a fraction
 *  0..1 (written as a percentage), `count` a plain count. */
export type MetricUnit = { kind: 'time' | 'size'; per: number } | { kind: 'ratio' | 'count' };

export function metricUnit(metric: string): MetricUnit {
  const last = metric.slice(metric.lastIndexOf('.') + 1);
  if (last === 'avg_access_ns') return { kind: 'time', per: 1 };
  if (last === 'remote_access_ratio') return { kind: 'ratio' };
  if (/^node\d+\./.test(metric)) return { kind: 'size', per: 1024 };
  if (metric.startsWith('cgroup.')) return { kind: 'size', per: 1 };
  return { kind: 'count' };
}

export type MetricCheck = { ok: true } | { ok: false; message: string; suggestion?: string };

/** Checks a metric path against what a result of this scenario will contain. */
export function checkMetric(metric: string, names: { workloads: string[]; cgroups: string[]; nodes: number[] }): MetricCheck {
  const parts = metric.split('.');
  // The full list is only needed for a suggestion; building it for every valid metric made
  // checking quadratic in workloads x expectations.
  const unknown = (message: string): MetricCheck => {
    const suggestion = closestMetric(metric, allMetricNames(names));
    return { ok: false, message, suggestion };
  };
  if (parts.length === 1) {
    if ((SUMMARY_METRICS as readonly string[]).includes(metric) || (VMSTAT_COUNTERS as readonly string[]).includes(metric)) return { ok: true };
    const node = /^node(\d+)$/.exec(metric);
    if (node) return { ok: false, message: `'${metric}' needs a field, e.g. ${metric}.MemFree` };
    return unknown(`unknown metric '${metric}': expected avg_access_ns, remote_access_ratio or a /proc/vmstat counter`);
  }
  const node = /^node(\d+)$/.exec(parts[0]);
  if (node && parts.length === 2) {
    if (!names.nodes.includes(Number(node[1]))) return { ok: false, message: `unknown node ${node[1]} in '${metric}'` };
    if (!(NODE_FIELDS as readonly string[]).includes(parts[1])) return unknown(`unknown meminfo field '${parts[1]}': expected one of ${NODE_FIELDS.join(', ')}`);
    return { ok: true };
  }
  if ((parts[0] === 'workload' || parts[0] === 'cgroup') && parts.length === 3) {
    const list = parts[0] === 'workload' ? names.workloads : names.cgroups;
    const fields: readonly string[] = parts[0] === 'workload' ? WORKLOAD_METRICS : CGROUP_METRICS;
    if (!list.includes(parts[1])) return unknown(`unknown ${parts[0]} '${parts[1]}' in '${metric}'`);
    if (!fields.includes(parts[2])) return unknown(`unknown ${parts[0]} metric '${parts[2]}': expected one of ${fields.join(', ')}`);
    return { ok: true };
  }
  return unknown(`unknown metric '${metric}'`);
}

export function allMetricNames(names: { workloads: string[]; cgroups: string[]; nodes: number[] }): string[] {
  return [
    ...SUMMARY_METRICS,
    ...VMSTAT_COUNTERS,
    ...names.nodes.flatMap((n) => NODE_FIELDS.map((f) => `node${n}.${f}`)),
    ...names.workloads.flatMap((w) => WORKLOAD_METRICS.map((m) => `workload.${w}.${m}`)),
    ...names.cgroups.flatMap((c) => CGROUP_METRICS.map((m) => `cgroup.${c}.${m}`)),
  ];
}

function closestMetric(metric: string, all: string[]): string | undefined {
  return closest(metric, all);
}
