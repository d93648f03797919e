// kswapd is a nice-0 kthread bound to its node's CPUs (src/core/kswapd_cpu.ts): where a pinned
// thread keeps the node's only CPU busy, kswapd gets half of it and may fall behind an
// allocation made from another node's CPU; with a spare CPU on the node it keeps up.

import * as assert from 'node:assert/strict';
import { compileText } from './helpers';
import { runScenarioSet } from '../../../src/core';
import { runVariant } from '../../../src/core/engine';
import { kswapdCpuShare } from '../../../src/core/kswapd_cpu';
import type { VariantResult } from '../../../src/core/result';

/** Node 0 full of page cache; a thread pinned to node 0's CPU computes without end; at 70 s an
 *  allocation from node 1's CPU binds 500 MiB to node 0. Reclaim costs 0.7 of a fault: kswapd
 *  keeps up on a whole CPU, not on half of one. */
function run(node0Cpus: string, node1Cpus: string): VariantResult {
  const src = `scenario "kswapd on a busy node"
machine {
  node 0 { memory = 1 GiB  cpus = ${node0Cpus} }
  node 1 { memory = 1 GiB  cpus = ${node1Cpus} }
}
costs preset qemu-tcg {
  cost.reclaim_page = 80 us
}
kernel {
  transparent_hugepage.enabled = never
  vm.zone_reclaim_mode = 0
}
workload reader {
  cpus = ${node1Cpus}
  mempolicy = bind(0)
  at 0 s  read file data 700 MiB
}
workload busy {
  cpus = 0
  at 0 s  alloc small 4 MiB
  at 0 s  access small uniform for 100G accesses
}
workload app {
  cpus = ${node1Cpus}
  mempolicy = bind(0)
  at 70 s  alloc anon 500 MiB
}
run {
  duration = 100 s
  sample = 100 ms
  seed = 1
}
`;
  return runScenarioSet(compileText(src, 'kswapd-cpu.numa')).variants[0];
}

describe('core/kswapd shares its node\'s CPUs with the threads there', () => {
  const shared = run('0', '1');
  const spare = run('0-1', '2');

  it('falls behind on a node whose only CPU a pinned thread keeps busy: direct reclaim appears', () => {
    const vm = shared.summary.vmstat;
    assert.ok(vm.allocstall > 10, `allocstall ${vm.allocstall}`);
    assert.ok(vm.pgsteal_direct > 1000, `pgsteal_direct ${vm.pgsteal_direct}`);
    assert.ok(vm.pgsteal_kswapd > vm.pgsteal_direct, `kswapd ${vm.pgsteal_kswapd}, direct ${vm.pgsteal_direct}`);
  });

  it('keeps up with a spare CPU on the node: kswapd alone reclaims', () => {
    const vm = spare.summary.vmstat;
    assert.equal(vm.allocstall ?? 0, 0);
    assert.equal(vm.pgsteal_direct ?? 0, 0);
    assert.ok(vm.pgsteal_kswapd > 40000, `pgsteal_kswapd ${vm.pgsteal_kswapd}`);
  });

  it('takes the time it reclaims from the thread on its CPU', () => {
    const busy = (v: VariantResult) => v.summary.workloads.find((w) => w.name === 'busy')!.accesses;
    // kswapd reclaims for several seconds on CPU 0: the pinned thread does less work in the run.
    assert.ok(busy(shared) < 0.98 * busy(spare), `busy thread's accesses ${busy(shared)} shared, ${busy(spare)} with a spare CPU`);
  });
});

describe('core/kswapd\'s CPU share follows the busy threads on the CPUs it may use', () => {
  /** Shares of kswapd0..2 one second in, with a computing thread pinned to each CPU in `busy`;
   *  node 2 has no CPU. */
  function shares(busy: number[]): number[] {
    const workloads = busy.map((cpu) => `workload busy${cpu} {
  cpus = ${cpu}
  at 0 s  alloc small${cpu} 4 MiB
  at 0 s  access small${cpu} uniform for 100G accesses
}`).join('\n');
    const src = `scenario "shares"
machine {
  node 0 { memory = 1 GiB  cpus = 0 }
  node 1 { memory = 1 GiB  cpus = 1 }
  node 2 { memory = 1 GiB  cpus = none  tier = 1 }
}
${workloads}
run {
  duration = 2 s
  sample = 100 ms
  seed = 1
}
`;
    let seen: number[] = [];
    runVariant(compileText(src, 'shares.numa').variants[0], { inspect: (sim, t) => { if (t === 1e9) seen = [0, 1, 2].map((n) => kswapdCpuShare(sim, n)); } });
    return seen;
  }

  it('half of a CPU a thread keeps busy, a whole idle one; a CPU-less node\'s kswapd uses every CPU', () => {
    assert.deepEqual(shares([0]), [0.5, 1, 1]);
    const both = shares([0, 1]);
    assert.deepEqual(both.slice(0, 2), [0.5, 0.5]);
    // Two CPUs for two busy threads and kswapd2: two thirds of a CPU.
    assert.ok(Math.abs(both[2] - 2 / 3) < 1e-9, `kswapd2 ${both[2]}`);
  });
});
