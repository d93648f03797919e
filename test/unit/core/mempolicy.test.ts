// MPOL_PREFERRED_MANY as 6.1's alloc_pages_preferred_many() does it: a first attempt on the
// policy's nodes without direct reclaim, then __alloc_pages(gfp, order, numa_node_id(), NULL),
// whose preferred zone is the faulting CPU's node. Compared with MPOL_PREFERRED, whose every
// allocation prefers the policy's node, so its fallback pages are numa_miss.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import type { VariantResult } from '../../../src/core/result';
import { compileText } from './helpers';

const SRC = `
scenario "preferred-many spills to the CPU's node"
machine preset qemu-2x1g
kernel {
  transparent_hugepage.enabled = never
}
workload app {
  cpus = 0
  mempolicy = preferred-many(1)
  at 1 s  alloc heap 1163 MiB
}
run {
  duration = 10 s
  seed = 1
}
variant preferred-many {
  workload app { mempolicy = preferred-many(1) }
}
variant preferred {
  workload app { mempolicy = preferred(1) }
}
`;

const PAGE_KB = 4;

describe('core/mempolicy: preferred-many', function () {
  this.timeout(60000);
  const r = runScenarioSet(compileText(SRC, 'mempolicy.test.numa'));
  const many = r.variants.find((v) => v.name === 'preferred-many')!;
  const pref = r.variants.find((v) => v.name === 'preferred')!;
  const app = (v: VariantResult) => v.summary.workloads.find((w) => w.name === 'app')!;
  const onNode = (v: VariantResult, n: number) => app(v).resident_kB_by_node[String(n)] ?? 0;

  it('fills the policy\'s node first and spills the rest to the CPU\'s node', () => {
    // Node 1 holds about 1000 MiB; the rest of the 1163 MiB goes to node 0.
    assert.ok(onNode(many, 1) > 900 * 1024, `node 1 ${onNode(many, 1)} kB`);
    assert.ok(onNode(many, 0) > 100 * 1024, `node 0 ${onNode(many, 0)} kB`);
  });

  it('counts the spilled pages as numa_hit: the second attempt prefers the CPU\'s node', () => {
    assert.equal(many.summary.vmstat.numa_miss, 0);
    assert.equal(many.summary.vmstat.numa_foreign, 0);
    // MPOL_PREFERRED places the same way, but every page on node 0 is a miss.
    assert.ok(Math.abs(onNode(pref, 0) - onNode(many, 0)) < 16 * 1024);
    const missKB = pref.summary.vmstat.numa_miss * PAGE_KB;
    assert.ok(Math.abs(missKB - onNode(pref, 0)) < 0.02 * onNode(pref, 0), `misses ${missKB} kB, node 0 ${onNode(pref, 0)} kB`);
  });

  it('never reclaims directly while the CPU\'s node has room (the first attempt has no __GFP_DIRECT_RECLAIM)', () => {
    assert.equal(many.summary.vmstat.pgsteal_direct, 0);
    assert.equal(many.summary.vmstat.allocstall, 0);
  });
});
