// Sweep charts (metric against the swept knob) and per-cgroup memory.current, on real runs.

import * as assert from 'node:assert/strict';
import { exampleResult, resultOf } from './exampleResults';
import { sweepChart, sweepMetrics } from '../../../webview/results/transforms/sweep';
import { cgroupChart } from '../../../webview/results/transforms/cgroups';

const SWEEP = 'test/unit/panels/fixtures/sweep.numa';

describe('panels: sweeps', () => {
  it('charts each sweep point against the numeric knob, in knob order', () => {
    const r = resultOf(SWEEP);
    assert.equal(r.sweeps.length, 2);
    const c = sweepChart(r, 0, 'avg_access_ns')!;
    assert.equal(c.knob, 'vm.zone_reclaim_mode');
    assert.ok(c.numeric);
    assert.deepEqual([...c.x], [0, 1, 4]);
    assert.deepEqual(c.labels, ['0', '1', '4']);
    c.variants.forEach((name, i) => assert.equal(c.y[i], r.variants.find((v) => v.name === name)!.summary.avg_access_ns));
  });

  it('charts a word-valued knob by position with the words as labels', () => {
    const r = resultOf(SWEEP);
    const c = sweepChart(r, 1, 'remote_access_ratio')!;
    assert.equal(c.numeric, false);
    assert.deepEqual([...c.x], [0, 1]);
    assert.deepEqual(c.labels, ['never', 'always']);
    c.variants.forEach((name, i) => assert.equal(c.y[i], r.variants.find((v) => v.name === name)!.summary.remote_access_ratio));
  });

  it('offers the headline metrics and every counter the run reports', () => {
    const r = resultOf(SWEEP);
    const m = sweepMetrics(r);
    assert.deepEqual(m.slice(0, 2), ['avg_access_ns', 'remote_access_ratio']);
    for (const k of Object.keys(r.variants[0].summary.vmstat)) assert.ok(m.includes(k), k);
    const counter = m[2];
    const c = sweepChart(r, 0, counter)!;
    c.variants.forEach((name, i) => assert.equal(c.y[i], r.variants.find((v) => v.name === name)!.summary.vmstat[counter] ?? 0));
  });

  it('has no sweep chart for a scenario without sweeps', () => {
    assert.equal(sweepChart(exampleResult('zone-reclaim.numa'), 0, 'avg_access_ns'), null);
  });
});

describe('panels: cgroup memory.current', () => {
  it('deferred-split: one series per cgroup on the sample times, the peak as reported', () => {
    const r = exampleResult('deferred-split.numa');
    for (const v of r.variants) {
      const c = cgroupChart(v)!;
      assert.ok(c, `${v.name} has cgroups`);
      assert.deepEqual(c.series.map((s) => s.name), v.series.cgroups.map((g) => g.name));
      assert.equal(c.x.length, v.series.t_ms.length);
      for (const s of c.series) {
        assert.equal(s.bytes.length, v.series.t_ms.length);
        const summary = v.summary.cgroups.find((g) => g.name === s.name)!;
        assert.equal(s.bytes[s.bytes.length - 1], summary.memory_current);
        assert.ok(s.maxBytes <= summary.memory_current_max + 1e-6, `${v.name}: sampled peak ${s.maxBytes} within reported peak ${summary.memory_current_max}`);
      }
    }
  });

  it('deferred-split: memory.current does not drop at the DONTNEED under deferred, drops under sync', () => {
    const r = exampleResult('deferred-split.numa');
    const mid = (name: string): number => {
      const c = cgroupChart(r.variants.find((v) => v.name === name)!)!;
      return c.series[0].bytes[Math.floor(c.series[0].bytes.length / 3)];
    };
    assert.ok(mid('deferred') > mid('sync'), `deferred ${mid('deferred')} vs sync ${mid('sync')}`);
  });

  it('has no cgroup chart where the scenario has no cgroups', () => {
    assert.equal(cgroupChart(exampleResult('zone-reclaim.numa').variants[0]), null);
  });
});
