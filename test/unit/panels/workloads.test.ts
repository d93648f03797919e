// Closed-loop time in the panel: each variant's run time, unfinished workloads and time split,
// and the per-workload throughput and ns/access series, on real runs.

import * as assert from 'node:assert/strict';
import { exampleResult, resultOf } from './exampleResults';
import { perfChart, TIME_PARTS, workloadTimes } from '../../../webview/results/transforms/workloads';

const CLOSED_LOOP = 'test/unit/panels/fixtures/closed-loop.numa';

describe('panels: run time per workload', () => {
  it('gives every variant its end, its unfinished workloads and each workload\'s run time and split', () => {
    const r = resultOf(CLOSED_LOOP);
    const times = workloadTimes(r);
    assert.deepEqual(times.map((t) => t.variant), ['four-threads', 'one-thread']);
    const [four, one] = times;
    assert.deepEqual(four.unfinished, []);
    assert.deepEqual(one.unfinished, ['app']);
    assert.equal(one.endMs, 20000, 'the run stopped at its bound');
    assert.ok(four.endMs < 20000, 'the run ended when the work was done');
    const app = (t: typeof four) => t.workloads.find((w) => w.workload === 'app')!;
    assert.equal(app(four).runtimeMs, r.variants[0].summary.workloads.find((w) => w.name === 'app')!.runtime_ms);
    assert.equal(app(one).runtimeMs, null);
    assert.ok(app(one).unfinished && !app(four).unfinished);
    for (const t of times) {
      const v = r.variants.find((x) => x.name === t.variant)!;
      for (const w of t.workloads) {
        const s = v.summary.workloads.find((x) => x.name === w.workload)!;
        for (const k of TIME_PARTS) assert.equal(w.parts[k], s.time_ms[k]);
        assert.ok(Math.abs(w.totalMs - TIME_PARTS.reduce((a, k) => a + s.time_ms[k], 0)) < 1e-9);
      }
    }
    // Compute and memory both show: the split is not one part.
    assert.ok(app(four).parts.compute > 0 && app(four).parts.memory > 0);
  });

  it('charts each accessing workload\'s throughput and ns/access, breaking the line where it made no access', () => {
    const r = resultOf(CLOSED_LOOP);
    const v = r.variants[0];
    const c = perfChart(v)!;
    assert.deepEqual(c.series.map((s) => s.name), ['app'], 'the logger made no access: no line');
    const perf = v.series.workload_perf.find((p) => p.name === 'app')!;
    assert.equal(c.x.length, v.series.t_ms.length);
    assert.equal(c.x[c.x.length - 1], v.series.t_ms[v.series.t_ms.length - 1] / 1000);
    const s = c.series[0];
    perf.accesses_per_s.forEach((a, i) => {
      assert.equal(s.perSecond[i], a > 0 ? a : null);
      assert.equal(s.nsPerAccess[i], a > 0 ? perf.ns_per_access[i] : null);
    });
    // The first sample (t = 0) has no interval before it; after the work the line stops.
    assert.equal(s.perSecond[0], null);
    assert.ok(s.perSecond.some((x) => x !== null && x > 1e6));
  });

  it('zone-reclaim.numa: the app\'s run time per variant as the summary has it, in the debate\'s order', () => {
    const times = workloadTimes(exampleResult('zone-reclaim.numa'));
    const rt = (name: string) => times.find((t) => t.variant === name)!.workloads.find((w) => w.workload === 'app')!.runtimeMs!;
    assert.ok(rt('membind') < rt('zrm-on') && rt('zrm-on') < rt('zrm-off'));
    for (const t of times) assert.deepEqual(t.unfinished, []);
  });

  it('a result saved before closed-loop time (no time split, no series) shows no workload and no chart', () => {
    const r = structuredClone(resultOf(CLOSED_LOOP));
    for (const v of r.variants) {
      for (const w of v.summary.workloads) {
        (w as { time_ms?: unknown }).time_ms = undefined;
        (w as { runtime_ms?: unknown }).runtime_ms = null;
        w.accesses = 0;
      }
      (v.summary as { unfinished?: unknown }).unfinished = undefined;
      (v.series as { workload_perf?: unknown }).workload_perf = undefined;
    }
    assert.ok(workloadTimes(r).every((t) => t.workloads.length === 0 && t.unfinished.length === 0));
    assert.equal(perfChart(r.variants[0]), null);
  });
});
