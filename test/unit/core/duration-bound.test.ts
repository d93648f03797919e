// `run { duration }` is an upper bound (issue 7): a bound must not change a run that finishes
// before it. Every example and a closed-loop fixture run with their duration and with 2x and 5x
// it. A run whose closed-loop work finishes gives the same bytes (summary, series, events): no
// field of a finished run holds the bound (end_ms is when the work was done). A run with paced
// work only (deferred-split) lasts its duration by definition; what happened up to its end is
// the same in a longer run (the series' prefix), and a run cut short by its bound reports its
// unfinished workloads with the same series up to the cut.

import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { runScenarioSet } from '../../../src/core';
import type { RunResult, VariantResult } from '../../../src/core/result';
import type { ScenarioSet } from '../../../src/language/model';
import { compileFile, ROOT } from './helpers';

const withDuration = (set: ScenarioSet, factor: number): ScenarioSet => ({
  ...set,
  variants: set.variants.map((v) => ({ ...v, run: { ...v.run, durationNs: v.run.durationNs * factor } })),
});
const closedLoop = (set: ScenarioSet) => set.variants[0].workloads.some((w) => w.phases.some((p) => p.kind === 'access' && p.work !== null));
const bytes = (v: VariantResult) => JSON.stringify(v);

/** Every series of `v` cut to its first `n` samples. */
function seriesPrefix(v: VariantResult, n: number): string {
  return JSON.stringify(v.series, (_k, x) => (Array.isArray(x) && x.every((y) => typeof y === 'number') ? x.slice(0, n) : x));
}

describe('core/duration is an upper bound: 2x and 5x the duration change nothing before it', function () {
  this.timeout(300000);
  const files = [...readdirSync(`${ROOT}/examples`).filter((f) => f.endsWith('.numa')).map((f) => `examples/${f}`), 'test/fixtures/closed-loop/bound.numa'];

  for (const file of files) {
    it(file, () => {
      const set = compileFile(file);
      const base = runScenarioSet(set);
      const longer: [number, RunResult][] = [2, 5].map((k) => [k, runScenarioSet(withDuration(set, k))]);
      if (closedLoop(set)) {
        for (const v of base.variants) {
          assert.deepEqual(v.summary.unfinished, [], `${file} ${v.name} must finish within its duration for the comparison to mean anything`);
          assert.ok(v.summary.end_ms < set.variants[0].run.durationNs / 1e6);
        }
        for (const [k, r] of longer) {
          r.variants.forEach((v, i) => {
            const b = base.variants[i];
            assert.deepEqual(v.summary.workloads.map((w) => w.runtime_ms), b.summary.workloads.map((w) => w.runtime_ms), `${file} ${v.name} run times at ${k}x`);
            assert.deepEqual(v.summary.vmstat, b.summary.vmstat, `${file} ${v.name} counters at ${k}x`);
            assert.ok(bytes(v) === bytes(b), `${file} ${v.name}: the result at ${k}x the duration differs`);
          });
        }
      } else {
        for (const [k, r] of longer) {
          r.variants.forEach((v, i) => {
            const b = base.variants[i];
            const n = b.series.t_ms.length;
            assert.equal(b.series.t_ms[n - 1], set.variants[i].run.durationNs / 1e6);
            assert.ok(v.series.t_ms.length > n);
            assert.equal(seriesPrefix(v, n), seriesPrefix(b, n), `${file} ${v.name}: the series up to ${b.summary.end_ms} ms differ at ${k}x`);
          });
        }
      }
    });
  }

  it('a bound that cuts the work short: the run stops there, names the workload, and matches the longer run up to it', () => {
    const set = compileFile('test/fixtures/closed-loop/bound.numa');
    const full = runScenarioSet(set);
    const v0 = full.variants[0];
    const cutNs = Math.round(v0.summary.end_ms / 2 / 100) * 100 * 1e6;
    const cut = runScenarioSet({ ...set, variants: [{ ...set.variants[0], run: { ...set.variants[0].run, durationNs: cutNs } }] }).variants[0];
    assert.equal(cut.summary.end_ms, cutNs / 1e6);
    assert.deepEqual(cut.summary.unfinished, ['app']);
    assert.equal(cut.summary.workloads.find((w) => w.name === 'app')!.runtime_ms, null);
    const n = cut.series.t_ms.length;
    assert.equal(seriesPrefix(v0, n), seriesPrefix(cut, n));
  });
});
