// The residency charts' data (stacked layers per node) against real results of the examples.

import * as assert from 'node:assert/strict';
import { EXAMPLES, exampleResult } from './exampleResults';
import { residencyCharts, nodeResidency, nodeResidencyByWorkload, timeAxisSeconds, timeExtentSeconds } from '../../../webview/results/transforms/residency';

describe('panels: residency per node', () => {
  for (const example of EXAMPLES) {
    describe(example, () => {
      it('has one chart per node, on the sample times in seconds', () => {
        for (const v of exampleResult(example).variants) {
          const charts = residencyCharts(v, false);
          assert.deepEqual(charts.map((c) => c.node), v.series.nodes.map((n) => n.node));
          for (const c of charts) {
            assert.equal(c.x.length, v.series.t_ms.length);
            c.x.forEach((s, i) => assert.equal(s, v.series.t_ms[i] / 1000));
          }
        }
      });

      it('stacks anon huge, anon, page cache, other and free up to MemTotal at every sample', () => {
        for (const v of exampleResult(example).variants) {
          for (const ns of v.series.nodes) {
            const chart = nodeResidency(v, ns);
            const total = v.summary.nodes.find((n) => n.node === ns.node)!.MemTotal;
            assert.ok(total > 0, `node ${ns.node} has a MemTotal`);
            const byKind = new Map(chart.layers.map((l) => [l.kind, l]));
            assert.equal(chart.layers[chart.layers.length - 1].kind, 'free', 'free is the top layer');
            for (let i = 0; i < v.series.t_ms.length; i++) {
              // The THP part and the 4 KiB part of AnonPages add up to AnonPages.
              assert.equal(byKind.get('anon_huge')!.raw[i] + byKind.get('anon')!.raw[i], Math.max(ns.AnonPages[i], ns.AnonHugePages[i]));
              assert.equal(byKind.get('file')!.raw[i], ns.FilePages[i]);
              assert.equal(byKind.get('free')!.raw[i], ns.MemFree[i]);
              for (const l of chart.layers) assert.ok(l.raw[i] >= 0, `${l.kind} below zero at ${i}`);
              const top = chart.layers[chart.layers.length - 1].top[i];
              // Rounding of the 'other' layer (under 4 kB is not drawn) is the only slack.
              assert.ok(Math.abs(top - Math.max(total, ns.AnonPages[i] + ns.FilePages[i] + ns.MemFree[i])) <= 4, `${v.name} node ${ns.node} sample ${i}: stack ${top} vs MemTotal ${total}`);
              for (let k = 1; k < chart.layers.length; k++) assert.ok(chart.layers[k].top[i] >= chart.layers[k - 1].top[i]);
            }
          }
        }
      });

      it('splits a node per workload: workloads, other used and free still add up to MemTotal', () => {
        for (const v of exampleResult(example).variants) {
          for (const ns of v.series.nodes) {
            const chart = nodeResidencyByWorkload(v, ns);
            const total = v.summary.nodes.find((n) => n.node === ns.node)!.MemTotal;
            const wl = v.series.workloads.filter((w) => w.node === ns.node);
            assert.deepEqual(chart.layers.filter((l) => l.kind === 'workload').map((l) => l.label), wl.map((w) => w.name));
            for (let i = 0; i < v.series.t_ms.length; i += 7) {
              const top = chart.layers[chart.layers.length - 1].top[i];
              const used = wl.reduce((s, w) => s + w.resident_kB[i], 0);
              assert.ok(Math.abs(top - Math.max(total, used + ns.MemFree[i])) < 1e-6, `${v.name} node ${ns.node} sample ${i}`);
            }
          }
        }
      });

      it('gives every chart the same time extent, covering samples and events', () => {
        for (const v of exampleResult(example).variants) {
          const [a, b] = timeExtentSeconds(v);
          assert.equal(a, 0);
          assert.ok(b >= v.series.t_ms[v.series.t_ms.length - 1] / 1000);
          for (const e of v.events) assert.ok(e.t_ms / 1000 <= b);
        }
      });
    });
  }

  it('zone-reclaim: zrm-off keeps node 0 page cache that membind reclaims', () => {
    const r = exampleResult('zone-reclaim.numa');
    const last = (name: string): number => {
      const v = r.variants.find((x) => x.name === name)!;
      const c = nodeResidency(v, v.series.nodes.find((n) => n.node === 0)!);
      const file = c.layers.find((l) => l.kind === 'file')!;
      return file.raw[file.raw.length - 1];
    };
    assert.ok(last('zrm-off') > last('membind'), `page cache on node 0 at the end: zrm-off ${last('zrm-off')} kB, membind ${last('membind')} kB`);
  });

  it('converts ms to seconds', () => {
    assert.deepEqual([...timeAxisSeconds([0, 250, 1500])], [0, 0.25, 1.5]);
  });
});
