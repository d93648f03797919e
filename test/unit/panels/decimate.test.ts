// Thinning long series for display and transport, on a real 60,000-sample run: the long-run
// fixture's base variant sampled every 10 ms (the fixture samples every 100 ms and sweeps, to
// stay inside the default budget).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile } from '../../../src/language/index';
import { runScenarioSet } from '../../../src/core/index';
import type { VariantResult } from '../../../src/core/result';
import { REPO, exampleResult } from './exampleResults';
import { decimateSeries, decimateVariant, keptIndices, displayPointsPerSeries } from '../../../src/protocol/decimate';

let long: VariantResult | undefined;
function longBase(): VariantResult {
  if (long) return long;
  const text = fs.readFileSync(path.join(REPO, 'test/e2e/fixtures/run-long.numa'), 'utf8');
  const fine = text.replace(/sample = 100 ms/, 'sample = 10 ms').replace(/^sweep .*$/m, '');
  assert.notEqual(fine, text);
  const set = compile(fine).set;
  assert.ok(set, 'the 10 ms base of run-long.numa checks clean');
  long = runScenarioSet(set).variants[0];
  return long;
}

describe('panels: thinning long series', () => {
  it('keeps at most the asked points, aligned, with the first, last, lowest and highest free memory', () => {
    const v = longBase();
    const n = v.series.t_ms.length;
    assert.ok(n > 50000, `the fixture has ${n} samples`);
    const idx = keptIndices(v.series, 2000)!;
    assert.ok(idx.length <= 2002 && idx.length > 1000, `${idx.length} kept`);
    assert.equal(idx[0], 0);
    assert.equal(idx[idx.length - 1], n - 1);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1]);
    const d = decimateSeries(v.series, 2000);
    assert.equal(d.t_ms.length, idx.length);
    for (const node of d.nodes) for (const k of ['MemFree', 'FilePages', 'AnonPages', 'AnonHugePages'] as const) assert.equal(node[k].length, idx.length);
    idx.forEach((j, i) => assert.equal(d.nodes[0].FilePages[i], v.series.nodes[0].FilePages[j]));
    const total = (s: typeof v.series, i: number) => s.nodes.reduce((sum, node) => sum + node.MemFree[i], 0);
    const extremes = (s: typeof v.series) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < s.t_ms.length; i++) {
        lo = Math.min(lo, total(s, i));
        hi = Math.max(hi, total(s, i));
      }
      return [lo, hi];
    };
    assert.deepEqual(extremes(d), extremes(v.series), 'the dips and peaks of free memory survive');
  });

  it('leaves short runs alone', () => {
    const v = exampleResult('zone-reclaim.numa').variants[0];
    assert.equal(decimateVariant(v, 2000), v);
  });

  it('sends a single long variant whole-ish and many variants thinner, never under 2,000 points', () => {
    const one = [longBase()];
    assert.ok(displayPointsPerSeries(one) > 20000);
    assert.equal(displayPointsPerSeries(Array(200).fill(one[0])), 2000);
  });
});
