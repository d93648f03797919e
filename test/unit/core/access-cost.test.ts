// The default access costs against published relative figures (docs/domain.md debate 1): the 4 KiB
// page walk (cost.tlb_miss_4k, docs/model.md) must reproduce, within 10%, AMD Naples' random
// access costs and Rientjes' numa-thp-bench, each relative to local THP. The machines' THP
// ratios are their measured latencies; what is tested is what 4 KiB pages add.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import { compile } from '../../../src/language';
import type { VariantResult } from '../../../src/core/result';
import { compileFile } from './helpers';

/** Run time of phase `i` of the first workload, ms. */
const phaseMs = (v: VariantResult, i: number) => {
  const p = v.summary.workloads[0].phases[i];
  return p.end_ms! - p.start_ms!;
};
const near = (got: number, want: number, what: string) => assert.ok(Math.abs(got / want - 1) <= 0.1, `${what}: ${got.toFixed(3)} against ${want} (${((got / want - 1) * 100).toFixed(1)}%)`);

describe('core/access cost: published relative figures', function () {
  this.timeout(120000);

  it("numa-thp-bench.numa reproduces Rientjes' local 4k, remote THP and remote 4k within 10%", () => {
    const r = runScenarioSet(compileFile('examples/numa-thp-bench.numa'));
    const thp = r.variants.find((v) => v.name === 'huge-pages')!, small = r.variants.find((v) => v.name === 'small-pages')!;
    const base = phaseMs(thp, 1);
    near(phaseMs(small, 1) / base, 21.34 / 17.49, 'local 4k');
    near(phaseMs(thp, 4) / base, 26.86 / 17.49, 'remote THP');
    near(phaseMs(small, 4) / base, 31.07 / 17.49, 'remote 4k');
    // Local small pages beat remote huge pages.
    assert.ok(phaseMs(small, 1) < phaseMs(thp, 4));
  });

  it('AMD Naples (numactl --membind: page tables follow the data): 4 KiB locally and on the other die and socket within 10%', () => {
    // Node 1: the same socket's other die (THP +45%); node 2: the other socket (THP +131%).
    const text = (node: number, thp: string) => `scenario "naples"
machine {
  node 0 { memory = 32 GiB  cpus = 0-7 }
  node 1 { memory = 32 GiB  cpus = 8-15 }
  node 2 { memory = 32 GiB  cpus = 16-23 }
  access_latency_ns {
    0: 80 116 185
    1: 116 80 185
    2: 185 185 80
  }
}
kernel { transparent_hugepage.enabled = ${thp} }
workload w {
  cpus = 0
  mempolicy = bind(${node})
  at 0 s  alloc buf 16 GiB
  after alloc buf  access buf uniform for 50M accesses
}
run { duration = 100 s  sample = 100 ms }
`;
    const run = (node: number, thp: string) => {
      const c = compile(text(node, thp), 'naples.numa');
      assert.ok(c.set, JSON.stringify(c.diagnostics));
      return phaseMs(runScenarioSet(c.set!).variants[0], 1);
    };
    const base = run(0, 'always');
    near(run(0, 'never') / base, 1.43, 'local 4k');
    near(run(1, 'always') / base, 1.45, 'other die THP');
    near(run(1, 'never') / base, 2.06, 'other die 4k');
    near(run(2, 'always') / base, 2.31, 'other socket THP');
    near(run(2, 'never') / base, 3.24, 'other socket 4k');
  });
});
