// khugepaged (src/core/khugepaged.ts): the scan cursor over address space, the collapse's
// target node, the alloc sleep, max_ptes_none and max_ptes_swap.

import * as assert from 'node:assert/strict';
import { runVariant } from '../../../src/core/engine';
import { runScenarioSet } from '../../../src/core';
import { DEFAULT_RESOLUTION } from '../../../src/core/memory';
import type { Sim } from '../../../src/core/sim';
import { compile } from '../../../src/language';

const MS = 1e6;

/** A 1 GiB MADV_HUGEPAGE region faulted as THPs on the node of `cpu`, half of every THP
 *  released with a synchronous split at 1 s (512 ranges of base pages, 256 empty PTEs each),
 *  then accessed; khugepaged wakes every second. */
function scenario(opts: { cpu?: number; kernel?: string; filler?: string; duration?: number } = {}): string {
  return `machine {
  node 0 { memory = 4 GiB  cpus = 0 }
  node 1 { memory = 4 GiB  cpus = 1 }
}
kernel {
  transparent_hugepage.enabled = madvise
  transparent_hugepage.khugepaged_scan_sleep_millisecs = 1000
  patch.dontneed_sync_split = true
  ${opts.kernel ?? ''}
}
workload app {
  cpus = ${opts.cpu ?? 0}
  at 0 s  alloc region 1 GiB MADV_HUGEPAGE
  at 1 s  dontneed region 1 MiB per 2 MiB
  at 1 s  access region uniform rate 1M/s
}
${opts.filler ?? ''}
run { duration = ${opts.duration ?? 10} s  sample = 100 ms }
`;
}

/** Runs a scenario and returns thp_collapse_alloc and thp_collapse_alloc_failed at each sample
 *  (ms), with the end summary. */
function run(text: string, slicesPerRegion = DEFAULT_RESOLUTION.slicesPerRegion) {
  const c = compile(text);
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
  const at: { t: number; collapsed: number; failed: number }[] = [];
  const v = runVariant(c.set!.variants[0], {
    resolution: { ...DEFAULT_RESOLUTION, slicesPerRegion },
    inspect: (sim: Sim, t: number) => at.push({ t: Math.round(t / MS), collapsed: sim.vmstat.counts.thp_collapse_alloc, failed: sim.vmstat.counts.thp_collapse_alloc_failed }),
  });
  return { at, v };
}

const collapsedAt = (at: { t: number; collapsed: number }[], ms: number) => at.find((x) => x.t >= ms)!.collapsed;

describe('core/khugepaged', function () {
  this.timeout(60000);

  it('collapses pages_to_scan / 512 ranges per wake-up (4096: 8), whatever the slices', () => {
    const { at, v } = run(scenario());
    assert.equal(v.summary.vmstat.thp_split_page, 512);
    // Wake-ups at 1 s (the split is at 1 s: the region is still huge), then 2 s .. 10 s.
    assert.equal(collapsedAt(at, 1500), 0);
    assert.equal(collapsedAt(at, 2500), 8);
    assert.equal(v.summary.vmstat.thp_collapse_alloc, 8 * 9);
    // The same collapses at the same times when regions are cut into 4x (or 1/16 as many) slices.
    for (const k of [4, 1 / 16]) {
      const other = run(scenario(), DEFAULT_RESOLUTION.slicesPerRegion * k).at;
      assert.deepEqual(other.map((x) => x.collapsed), at.map((x) => x.collapsed), `x${k} slices`);
    }
    // Progress counts 512 per range plus one per mmap_lock taken: 1536 is 3 ranges a wake.
    const three = run(scenario({ kernel: 'transparent_hugepage.khugepaged_pages_to_scan = 1536' })).v;
    assert.equal(three.summary.vmstat.thp_collapse_alloc, 3 * 9);
  });

  it('fills the empty PTEs only up to max_ptes_none: 256 empty of 512 collapse at 256, not at 255', () => {
    assert.equal(run(scenario({ kernel: 'transparent_hugepage.khugepaged_max_ptes_none = 256' })).v.summary.vmstat.thp_collapse_alloc, 72);
    assert.equal(run(scenario({ kernel: 'transparent_hugepage.khugepaged_max_ptes_none = 255' })).v.summary.vmstat.thp_collapse_alloc, 0);
  });

  it('allocates on the node holding the range\'s pages, not where khugepaged or the task runs', () => {
    // The task runs on node 1: its THPs, and the collapsed ones, are on node 1.
    const { v } = run(scenario({ cpu: 1 }));
    assert.equal(v.summary.vmstat.thp_collapse_alloc, 72);
    const hugeKb = (n: number) => v.summary.nodes[n].AnonHugePages;
    assert.equal(hugeKb(0), 0);
    assert.equal(hugeKb(1), 72 * 2048);
  });

  it('collapses interleaved base pages onto one node in turn before 6.1-rc6, onto the preferred of the tied nodes after', () => {
    // A THP filler takes both nodes' free blocks, so the interleaved region faults base pages
    // (half on each node in every range); the filler exits at 2 s and khugepaged collapses.
    const text = `machine {
  node 0 { memory = 1 GiB  cpus = 0 }
  node 1 { memory = 1 GiB  cpus = 1 }
}
kernel {
  transparent_hugepage.enabled = madvise
  transparent_hugepage.defrag = never
  transparent_hugepage.khugepaged_scan_sleep_millisecs = 1000
}
workload filler {
  cpus = 0
  mempolicy = interleave(0,1)
  at 0 s  alloc fill 1800 MiB MADV_HUGEPAGE
  at 2 s  exit
}
workload app {
  cpus = 0
  mempolicy = interleave(0,1)
  at 1 s  alloc heap 32 MiB MADV_HUGEPAGE
  at 1 s  access heap uniform rate 1M/s
}
run { duration = 8 s }
variant old { version = 6.0 }
variant new { version = 6.1 }
`;
    const c = compile(text);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    const [old, now] = runScenarioSet(c.set!).variants;
    const huge = (v: typeof old) => v.summary.nodes.map((n) => n.AnonHugePages / 2048);
    assert.deepEqual(huge(old), [8, 8], 'last_khugepaged_target_node takes the tied nodes in turn');
    assert.deepEqual(huge(now), [16, 0], 'alloc_nmask holds both; the first is preferred and has room');
  });

  it('sleeps alloc_sleep_millisecs after a failed allocation, then goes on; a second failure ends the scan', () => {
    // At 1.2 s a THP filler takes every free 2 MiB block of node 0 (defrag = never: free blocks,
    // then base pages); without khugepaged/defrag no huge page can be had for a collapse, and
    // proactive compaction (which would make blocks of the scattered free pages) is off.
    const filler = `workload filler {
  cpus = 0
  mempolicy = bind(0)
  at 1.2 s  alloc fill 3200 MiB MADV_HUGEPAGE
}`;
    const kernel = 'transparent_hugepage.defrag = never\n  transparent_hugepage.khugepaged_defrag = false\n  transparent_hugepage.khugepaged_alloc_sleep_millisecs = 3000\n  vm.compaction_proactiveness = 0';
    const { at } = run(scenario({ kernel, filler, duration: 12 }));
    const failedAt = (ms: number) => at.find((x) => x.t >= ms)!.failed;
    // 2 s: fails, sleeps 3 s; 5 s: the same scan goes on, fails again and ends; the next scan
    // 1 s later (6 s) fails and sleeps to 9 s, fails and ends; 10 s fails again.
    const times = [1900, 2000, 4900, 5000, 5900, 6000, 8900, 9000, 9900, 10000];
    assert.deepEqual(times.map(failedAt), [0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    assert.equal(at.at(-1)!.collapsed, 0);
  });
});
