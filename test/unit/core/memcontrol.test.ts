// memory.low under global reclaim (mm/memcontrol.c mem_cgroup_calculate_protection, mm/vmscan.c
// get_scan_count and the memcg_low_reclaim retry): a cgroup over its protection is scanned in
// proportion to how far over it is, one under it is left alone while other memory can be
// reclaimed, and reclaim that finds nothing else takes from it, counting memory.events low.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import type { VariantResult } from '../../../src/core/result';
import { compile } from '../../../src/language';

const MiB = 1024 * 1024;

/** Two cgroups each read 300 MiB of page cache on a 1 GiB node; then a task outside them
 *  allocates 500 MiB of anonymous memory (no swap), which only their page cache can make room for. */
function run(prot: string, other = ''): VariantResult {
  const text = `scenario "memory.low"
machine {
  node 0 { memory = 1 GiB  cpus = 0 }
}
cgroup prot { ${prot} }
cgroup other { ${other} }
workload p {
  node = 0
  cgroup = prot
  at 0 s  read file a 300 MiB rate 1 GB/s
}
workload o {
  node = 0
  cgroup = other
  at 0 s  read file b 300 MiB rate 1 GB/s
}
workload hog {
  node = 0
  at 1 s  alloc h 500 MiB rate 500 MB/s
}
run { duration = 4 s  sample = 100 ms }
`;
  const c = compile(text);
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
  return runScenarioSet(c.set!).variants[0];
}

const cg = (v: VariantResult, name: string) => v.summary.cgroups.find((c) => c.name === name)!;
const lost = (v: VariantResult, name: string) => 300 - cg(v, name).memory_current / MiB;

describe('core/memcontrol: memory.low under global reclaim', function () {
  this.timeout(60000);

  it('scans a cgroup over its memory.low in proportion: 1 - low / usage of what an unprotected one gives', () => {
    const none = run('');
    assert.ok(lost(none, 'prot') > 50 && lost(none, 'other') > 50, `${lost(none, 'prot')} ${lost(none, 'other')}`);
    const v = run('memory.low = 200 MiB');
    // 300 MiB charged against 200 MiB of protection: a third of the scan; not all, not nothing.
    assert.ok(lost(v, 'prot') > 10, `prot reclaimed ${lost(v, 'prot')} MiB`);
    assert.ok(lost(v, 'prot') < lost(v, 'other') / 2, `prot ${lost(v, 'prot')} MiB, other ${lost(v, 'other')} MiB`);
    assert.ok(cg(v, 'prot').memory_current >= 200 * MiB, 'stays above its low');
    assert.equal(cg(v, 'prot').memory_events_low, 0);
  });

  it('leaves a cgroup under its memory.low alone while other memory can be reclaimed', () => {
    const v = run('memory.low = 400 MiB');
    assert.equal(cg(v, 'prot').memory_current, 300 * MiB);
    assert.ok(lost(v, 'other') > 100, `other reclaimed ${lost(v, 'other')} MiB`);
    assert.equal(cg(v, 'prot').memory_events_low, 0);
  });

  it('reclaims from protected cgroups when nothing else is left (memcg_low_reclaim), counting memory.events low', () => {
    const none = run('');
    const v = run('memory.low = 400 MiB', 'memory.low = 400 MiB');
    assert.ok(cg(v, 'prot').memory_events_low > 0 && cg(v, 'other').memory_events_low > 0);
    assert.equal(v.summary.vmstat.oom_kill, 0);
    // The same pressure is met: the protection only decides the order.
    assert.equal(v.summary.vmstat.pgsteal_kswapd + v.summary.vmstat.pgsteal_direct, none.summary.vmstat.pgsteal_kswapd + none.summary.vmstat.pgsteal_direct);
  });
});
