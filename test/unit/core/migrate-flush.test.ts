// Before 6.3 migrate_pages() flushes the TLB once per mapped page it unmaps and waits for every
// other CPU running the mm; 7e12beb8ca2a (6.3) flushes once per batch. Huang Ying measured the
// batching at +291.7% pages migrated per second (src/core/vmscan.ts UNBATCHED_FLUSH_RATIO), so
// demotion by reclaim costs 3.917 times a batched one before 6.3 while the pages' owner runs
// on other CPUs, and costs the same where it runs nowhere else.

import * as assert from 'node:assert/strict';
import { compileText } from './helpers';
import { runScenarioSet } from '../../../src/core';
import type { VariantResult } from '../../../src/core/result';
import { eraAt, kernelBehaviour } from '../../../src/core/versions';
import { UNBATCHED_FLUSH_RATIO, unbatchedFlushNs } from '../../../src/core/vmscan';
import { runVariant } from '../../../src/core/engine';
import type { Scenario } from '../../../src/language/model';

/** 8 GiB written at 4 GB/s into a 4 GiB fast node with a PMEM node below it: kswapd demotes
 *  the oldest pages while the writer's threads run on the fast node's CPUs (`cpus`). At 1 us a
 *  fault the writing keeps one thread busy 98% of the time. */
function variant(version: string, cpus: string): Scenario {
  const src = `scenario "demotion flushes"
machine {
  node 0 { memory = 4 GiB  cpus = ${cpus} }
  node 1 { memory = 32 GiB  cpus = none  tier = 1  latency = 320 ns }
}
costs {
  cost.minor_fault = 1 us
  cost.demote_page = 1800 ns
}
kernel {
  version = ${version}
  numa.demotion_enabled = true
  transparent_hugepage.enabled = never
}
workload app {
  node = 0
  at 0 s  alloc data 8 GiB rate 4 GB/s
}
run {
  duration = 4 s
  sample = 100 ms
  seed = 1
}
`;
  return compileText(src, 'migrate-flush.numa').variants[0];
}
const run = (version: string, cpus: string): VariantResult => runScenarioSet({ title: 'flush', variants: [variant(version, cpus)], sweeps: [], expectations: [] }).variants[0];

describe('core/TLB flushes of demotion: one per page before 6.3, one per batch after', () => {
  it('the version table has the batching from 6.3 (7e12beb8ca2a), per page before', () => {
    assert.equal(eraAt('migrate-flush-batching', '6.2')!.value, 'per page');
    assert.equal(eraAt('migrate-flush-batching', '6.3')!.commit, '7e12beb8ca2a');
    assert.equal(kernelBehaviour('6.1').batchedMigrateFlush, false);
    assert.equal(kernelBehaviour('6.3').batchedMigrateFlush, true);
    assert.ok(Math.abs(UNBATCHED_FLUSH_RATIO - 3.917) < 1e-9);
  });

  /** unbatchedFlushNs() for 1000 demoted pages of the data's first slice at 1 s, mid-write. */
  const flushAt = (version: string, cpus: string, accessible: number, who: 'kswapd' | 'direct' = 'kswapd') => {
    let ns = NaN;
    runVariant(variant(version, cpus), {
      inspect: (sim, t) => {
        if (t !== 1e9) return;
        const data = sim.regions.find((x) => x.name === 'data')!;
        const sc = { who, mayUnmap: true, mayWrite: true, maySwap: true, memcg: null, fileOnly: false, cause: 'test', workload: who === 'direct' ? sim.workloads[0] : undefined };
        ns = unbatchedFlushNs(sim, data, data.slices[0], 0, 1000, accessible, sc);
      },
    });
    return ns;
  };

  it('before 6.3 a demoted page costs kswapd (3.917 - 1) x cost.demote_page more while the writer runs on other CPUs; nothing from 6.3', () => {
    assert.ok(Math.abs(flushAt('6.2', '0-7', 1) - 1000 * (UNBATCHED_FLUSH_RATIO - 1) * 1800) < 1e-6);
    assert.equal(flushAt('6.3', '0-7', 1), 0);
  });

  it('only pages whose PTE is present: a PROT_NONE page (scanned, not yet faulted) is not flushed', () => {
    assert.ok(Math.abs(flushAt('6.2', '0-7', 0.25) - 250 * (UNBATCHED_FLUSH_RATIO - 1) * 1800) < 1e-6);
    assert.equal(flushAt('6.2', '0-7', 0), 0);
  });

  it('no other CPU to wait for: the writer\'s one thread reclaiming for itself, or sharing kswapd\'s only CPU', () => {
    assert.equal(flushAt('6.2', '0-7', 1, 'direct'), 0);
    assert.equal(flushAt('6.2', '0', 1), 0);
  });

  it('costs nothing more where the writer runs only on kswapd\'s one CPU (no other CPU to interrupt)', () => {
    const old = run('6.2', '0').summary.vmstat;
    const batched = run('6.3', '0').summary.vmstat;
    assert.ok(old.pgdemote_kswapd > 0);
    assert.equal(old.pgdemote_kswapd, batched.pgdemote_kswapd);
  });
});

describe('language/hotset centered: the hot set starts in the middle of its region (pmbench\'s normal patterns)', () => {
  const pattern = (extra: string) => {
    const src = `scenario "c"
machine { node 0 { memory = 4 GiB  cpus = 0-3 } }
workload app {
  node = 0
  at 0 s  alloc data 1 GiB
  after alloc data  access data hotset 256 MiB hot 90% ${extra} for 1G accesses
}
run { duration = 10 s }
`;
    const v = compileText(src, 'centered.numa').variants[0];
    const p = v.workloads[0].phases[1];
    assert.ok(p.kind === 'access' && p.pattern.kind === 'hotset');
    let start = NaN;
    runVariant({ ...v, run: { ...v.run, durationNs: 2e9 } }, { inspect: (sim, t) => { if (t === 2e9) start = sim.workloads[0].accesses[0].hotStart; } });
    return { ...p.pattern, start };
  };
  it('parses `centered` and starts the hot set in the middle; without it, at the region\'s start', () => {
    const c = pattern('centered');
    assert.equal(c.centered, true);
    assert.equal(c.start, (262144 - 65536) / 2, 'first page of a 256 MiB hot set in the middle of 1 GiB');
    const s = pattern('');
    assert.equal(s.centered, false);
    assert.equal(s.start, 0);
  });
});
