// The heat map of a sweep over several knobs, on a real run of the 3-knob fixture: each cell
// is the point with those two knob values and the others at their chosen values.

import * as assert from 'node:assert/strict';
import { resultOf } from './exampleResults';
import { heatMap, normalizeChoice, pointIndexes, productSweeps, shade } from '../../../webview/results/transforms/heatmap';
import { sweepChart } from '../../../webview/results/transforms/sweep';
import { checkRunResult } from '../../../src/protocol/resultSchema';
import { FromWebviewSchema } from '../../../src/protocol/messageSchema';
import * as v from 'valibot';

const CROSS = 'test/fixtures/sweeps/reclaim-cross.numa';

describe('panels: heat map of a sweep over several knobs', () => {
  it('lists the product with its axes, and the one-knob chart leaves it to the heat map', () => {
    const r = resultOf(CROSS);
    assert.deepEqual(productSweeps(r), [0]);
    assert.deepEqual(r.sweeps[0].axes!.map((a) => a.knob), ['vm.zone_reclaim_mode', 'vm.min_unmapped_ratio', 'vm.watermark_scale_factor']);
    assert.equal(sweepChart(r, 0, 'avg_access_ns'), null);
    assert.ok(checkRunResult(JSON.parse(JSON.stringify(r))).ok);
    // A product whose variants do not fill it is refused when a result file is read.
    const bad = JSON.parse(JSON.stringify(r));
    bad.sweeps[0].variants.pop();
    const checked = checkRunResult(bad);
    assert.ok(!checked.ok && /one variant per point of their product/.test(checked.problem));
  });

  it('places each point by its index, the last knob fastest', () => {
    const r = resultOf(CROSS);
    const idx = pointIndexes(r.sweeps[0]);
    assert.deepEqual(idx[0], [0, 0, 0]);
    assert.deepEqual(idx[1], [0, 0, 1]);
    assert.deepEqual(idx[22], [1, 1, 2]);
    assert.equal(r.sweeps[0].variants[22], 'vm.zone_reclaim_mode=1 vm.min_unmapped_ratio=5 vm.watermark_scale_factor=670');
  });

  it('gives a metric over two knobs with the third held, cell by cell the variant with those values', () => {
    const r = resultOf(CROSS);
    const m = heatMap(r, 0, 'avg_access_ns', { x: 2, y: 0, fixed: [0, 3, 0] })!;
    assert.equal(m.xKnob, 'vm.watermark_scale_factor');
    assert.equal(m.yKnob, 'vm.zone_reclaim_mode');
    assert.deepEqual(m.xLabels, ['10', '340', '670', '1000']);
    assert.deepEqual(m.fixed, [{ knob: 'vm.min_unmapped_ratio', value: '50' }]);
    for (let row = 0; row < 4; row++) {
      for (let col = 0; col < 4; col++) {
        const name = m.variants[row][col]!;
        assert.equal(name, `vm.zone_reclaim_mode=${m.yLabels[row]} vm.min_unmapped_ratio=50 vm.watermark_scale_factor=${m.xLabels[col]}`);
        assert.equal(m.values[row][col], r.variants.find((x) => x.name === name)!.summary.avg_access_ns);
      }
    }
    const all = m.values.flat() as number[];
    assert.equal(m.min, Math.min(...all));
    assert.equal(m.max, Math.max(...all));
    assert.ok(m.max > m.min, 'the knobs change the metric on this fixture');
    assert.equal(shade(m, m.min), 0);
    assert.equal(shade(m, m.max), 1);
    // Another held value gives other variants.
    const other = heatMap(r, 0, 'avg_access_ns', { x: 2, y: 0, fixed: [0, 0, 0] })!;
    assert.match(other.variants[0][0]!, /vm\.min_unmapped_ratio=1 /);
  });

  it('leaves a cell empty for a point the run lacks, and reads counters too', () => {
    const r = resultOf(CROSS);
    const partial = { ...r, variants: r.variants.filter((x) => x.name !== r.sweeps[0].variants[5]) };
    const m = heatMap(partial, 0, 'numa_miss', { x: 2, y: 1, fixed: [0, 0, 0] })!;
    assert.equal(m.values[1][1], null);
    assert.equal(m.variants[1][1], r.sweeps[0].variants[5]);
    assert.equal(m.values[0][0], r.variants.find((x) => x.name === m.variants[0][0])!.summary.vmstat.numa_miss);
  });

  it('makes any choice valid: distinct axes, fixed values in range', () => {
    const sweep = resultOf(CROSS).sweeps[0];
    assert.deepEqual(normalizeChoice(sweep, {}), { x: 0, y: 1, fixed: [0, 0, 0] });
    assert.deepEqual(normalizeChoice(sweep, { x: 1, y: 1, fixed: [9, -1, 2] }), { x: 1, y: 0, fixed: [0, 0, 2] });
    assert.deepEqual(normalizeChoice(sweep, { x: -1, y: 7 }), { x: 0, y: 1, fixed: [0, 0, 0] });
  });

  it('the panel may report its heat-map selections, and nothing unbounded', () => {
    const ok = v.safeParse(FromWebviewSchema, { type: 'selections', selections: { heatX: 'vm.swappiness', heatY: 'vm.zone_reclaim_mode', heatFixed: ['vm.min_unmapped_ratio=5'] } });
    assert.ok(ok.success);
    const many = v.safeParse(FromWebviewSchema, { type: 'selections', selections: { heatFixed: Array.from({ length: 65 }, (_, i) => `k${i}=1`) } });
    assert.ok(!many.success);
  });
});
