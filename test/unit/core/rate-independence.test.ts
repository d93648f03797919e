// Ranking independent of rate (issue 7): each example's compute per access over a 10x range and
// its threads from 1 to 32, the work scaled with the threads so every run finishes. The orderings
// must come from the kernel's mechanisms, not from a chosen rate.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import type { RunResult } from '../../../src/core/result';
import type { ScenarioSet } from '../../../src/language/model';
import { compileFile } from './helpers';

function at(set: ScenarioSet, keep: string[], computeNs: number, threads: number): ScenarioSet {
  return {
    ...set, expectations: [],
    variants: set.variants.filter((v) => keep.includes(v.variant)).map((s) => ({
      ...s,
      run: { ...s.run, durationNs: 3000e9 },
      workloads: s.workloads.map((w) => {
        if (w.name !== 'app') return w;
        const k = threads / w.threads;
        return { ...w, threads, computePerAccessNs: computeNs, phases: w.phases.map((p) => (p.kind === 'access' && p.work ? { ...p, work: { ...p.work, count: p.work.count * k } } : p)) };
      }),
    })),
  };
}
const rt = (r: RunResult, n: string) => r.variants.find((v) => v.name === n)!.summary.workloads.find((w) => w.name === 'app')!.runtime_ms!;

describe('core/rate independence: orderings over compute per access (5-50 ns) and threads (1-32)', function () {
  this.timeout(300000);
  const zr = compileFile('examples/zone-reclaim.numa');
  const thp = compileFile('examples/thp-numa.numa');
  const tier = compileFile('examples/tiering.numa');
  for (const computeNs of [5, 50]) {
    for (const threads of [1, 4, 16, 32]) {
      it(`compute ${computeNs} ns, ${threads} thread(s)`, () => {
        const z = runScenarioSet(at(zr, ['zrm-off', 'zrm-on', 'membind'], computeNs, threads));
        assert.ok(rt(z, 'membind') < rt(z, 'zrm-on') && rt(z, 'zrm-on') < rt(z, 'zrm-off'), `zone-reclaim ${rt(z, 'membind')} ${rt(z, 'zrm-on')} ${rt(z, 'zrm-off')}`);
        const h = runScenarioSet(at(thp, ['thisnode', 'remote-fallback'], computeNs, threads));
        assert.ok(rt(h, 'thisnode') > rt(h, 'remote-fallback'), `thp-numa ${rt(h, 'thisnode')} ${rt(h, 'remote-fallback')}`);
        const names = ['no-promotion', 'promotion-wmark-promo', 'hot-threshold', 'rate-limit'];
        const t = runScenarioSet(at(tier, names, computeNs, threads));
        assert.ok(rt(t, 'promotion-wmark-promo') < rt(t, 'no-promotion'), `tiering WMARK_PROMO ${rt(t, 'promotion-wmark-promo')} vs none ${rt(t, 'no-promotion')}`);
        const rate = (n: string) => t.variants.find((v) => v.name === n)!.summary.vmstat.pgpromote_success / rt(t, n);
        assert.ok(rate('promotion-wmark-promo') > rate('hot-threshold') && rate('hot-threshold') > rate('rate-limit'), `promotion rates ${names.slice(1).map(rate)}`);
      });
    }
  }
});
