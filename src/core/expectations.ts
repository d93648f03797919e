// Expectations written in a scenario (`expect zrm-on.avg_access_ns < zrm-off.avg_access_ns`),
// evaluated against a run's results. Metric names follow docs/syntax.md.

import type { Comparison, Expectation, Operand, ScenarioSet } from '../language/model';
import type { RunResult, VariantResult } from './result';

export interface ExpectationResult {
  text: string;
  passed: boolean;
  detail: string;
}

/** A metric of one variant's result, or undefined when the result does not have it. */
export function metricValue(v: VariantResult, metric: string): number | undefined {
  const s = v.summary;
  if (metric === 'avg_access_ns') return s.avg_access_ns;
  if (metric === 'remote_access_ratio') return s.remote_access_ratio;
  if (metric in s.vmstat) return s.vmstat[metric];
  const parts = metric.split('.');
  const node = /^node(\d+)$/.exec(parts[0]);
  if (node && parts.length === 2) {
    const m = s.nodes.find((x) => x.node === Number(node[1]));
    const value = m ? (m as unknown as Record<string, number>)[parts[1]] : undefined;
    return typeof value === 'number' ? value : undefined;
  }
  if (parts[0] === 'workload' && parts.length === 3) {
    const w = s.workloads.find((x) => x.name === parts[1]);
    if (!w) return undefined;
    if (parts[2] === 'avg_access_ns') return w.avg_access_ns;
    if (parts[2] === 'remote_access_ratio') return w.remote_access_ratio;
    if (parts[2] === 'accesses') return w.accesses;
    // Null when the workload did not finish within the run: not comparable.
    if (parts[2] === 'runtime_ms') return w.runtime_ms ?? undefined;
    return undefined;
  }
  if (parts[0] === 'cgroup' && parts.length === 3) {
    const c = s.cgroups.find((x) => x.name === parts[1]);
    if (!c) return undefined;
    if (parts[2] === 'memory_current') return c.memory_current;
    if (parts[2] === 'memory_current_max') return c.memory_current_max;
    if (parts[2] === 'memory_events_low') return c.memory_events_low;
  }
  return undefined;
}

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

function operandVariants(o: Operand, all: VariantResult[]): VariantResult[] | null {
  if (o.kind === 'number') return null;
  if (o.variant === '*') return all;
  const v = all.find((x) => x.name === o.variant);
  return v ? [v] : [];
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(+x.toPrecision(6));
}

/**
 * Evaluates every expectation of the set whose variants were run; each result is also attached
 * to the summary of every variant it names. Expectations about variants that were not run
 * (filtered with --variant) are left out.
 */
export function evaluateExpectations(set: ScenarioSet, result: RunResult): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  for (const v of result.variants) v.summary.expectations = [];
  for (const e of set.expectations) {
    const r = evaluateOne(e, result.variants);
    if (!r) continue;
    out.push(r.result);
    for (const v of r.variants) v.summary.expectations.push(r.result);
  }
  return out;
}

function evaluateOne(e: Expectation, all: VariantResult[]): { result: ExpectationResult; variants: VariantResult[] } | null {
  const lv = operandVariants(e.left, all);
  const rv = operandVariants(e.right, all);
  if ((lv && lv.length === 0) || (rv && rv.length === 0)) return null;
  // A wildcard pairs each variant with itself on both sides (`*.x < *.y`), or with a number.
  const names = lv ?? rv ?? [];
  const pairs: [VariantResult | null, VariantResult | null][] = [];
  if (lv && rv && (e.left.kind === 'metric' && e.left.variant === '*') && (e.right.kind === 'metric' && e.right.variant === '*')) {
    for (const v of lv) pairs.push([v, v]);
  } else if (lv && rv) {
    for (const a of lv) for (const b of rv) pairs.push([a, b]);
  } else if (lv) for (const a of lv) pairs.push([a, null]);
  else if (rv) for (const b of rv) pairs.push([null, b]);
  const value = (o: Operand, v: VariantResult | null): number | undefined => {
    if (o.kind === 'number') return o.value;
    const x = v ? metricValue(v, o.metric) : undefined;
    return x === undefined ? undefined : x * (o.scale ?? 1);
  };
  const details: string[] = [];
  let passed = true;
  for (const [a, b] of pairs) {
    const x = value(e.left, a);
    const y = value(e.right, b);
    if (x === undefined || y === undefined) {
      passed = false;
      details.push('metric not in the result');
      continue;
    }
    const ok = compare(x, e.op, y);
    if (!ok) passed = false;
    const label = (o: Operand, v: VariantResult | null) => (o.kind === 'number' ? '' : `${o.scale !== undefined ? `${fmt(o.scale)} * ` : ''}${v?.name}.${o.metric}=`);
    details.push(`${label(e.left, a)}${fmt(x)} ${e.op} ${label(e.right, b)}${fmt(y)}${ok ? '' : ' (fails)'}`);
  }
  const involved = [...new Set([...(lv ?? []), ...(rv ?? []), ...names])];
  return { result: { text: e.text, passed, detail: details.join('; ') }, variants: involved };
}
