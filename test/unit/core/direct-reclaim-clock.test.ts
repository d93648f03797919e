// A workload's direct reclaim moves the node's reclaim clock by its time over the workload's
// threads (b5fb9af): its bulk faults stand for all of them reclaiming side by side. Summed as if
// one after the other, the clock reached the end of the step early and every later look in the
// step saw no time pass.

import * as assert from 'node:assert/strict';
import { tryToFreePages } from '../../../src/core/vmscan';
import { stepByHand } from './helpers';

/** A node nearly filled by a workload of `threads` threads that faults 900 MiB into 1 GiB and
 *  reads it; swap takes what reclaim writes out. */
function scenario(threads: number): string {
  return `scenario "direct reclaim by ${threads} threads"
machine {
  node 0 { memory = 1 GiB  cpus = 0-15 }
  swap { size = 2 GiB  latency = 80 us  bandwidth = 1 GB/s }
}
kernel { transparent_hugepage.enabled = never }
workload app {
  node = 0
  threads = ${threads}
  at 0 s  alloc data 900 MiB rate 9 GB/s
  after alloc data  access data uniform for 1G accesses
}
run { duration = 10 s  sample = 50 ms  seed = 1 }
`;
}

/** Steps the scenario by hand for 150 ms (the alloc is in), then lets the workload direct-reclaim
 *  `want` pages of node 0 at the start of the next step. Returns how far the reclaim moved the
 *  node's reclaim clock, the reclaim's thread time, and the step. */
function reclaimOnce(threads: number, want: number): { clockMoved: number; stallNs: number; dtNs: number; clockNs: number; stepEndNs: number } {
  const { sim, wl, step } = stepByHand(scenario(threads), 'direct-reclaim-clock.numa');
  while (sim.nowNs < 150e6) step();
  const t0 = sim.nowNs;
  const L = sim.lru[0];
  L.clockNs = t0;
  const stallBefore = wl.stallNs.reclaim;
  const got = tryToFreePages(sim, [0], want, wl, 'test');
  assert.ok(got > 0, `reclaimed ${got}`);
  return { clockMoved: L.clockNs - t0, stallNs: wl.stallNs.reclaim - stallBefore, dtNs: sim.dtNs, clockNs: L.clockNs, stepEndNs: t0 + sim.dtNs };
}

describe('core/vmscan: a workload\'s direct reclaim and the node\'s reclaim clock', function () {
  this.timeout(30000);

  it('moves the clock by the reclaim\'s thread time over the threads, so it stays inside the step', () => {
    // The node is full of the busy workload's pages: the reclaim scans at falling priorities, far
    // more than one 50 ms step of thread time.
    const r = reclaimOnce(16, 20000);
    assert.ok(r.stallNs > r.dtNs, `the reclaim took ${r.stallNs} ns of thread time, less than a step`);
    assert.ok(Math.abs(r.clockMoved - r.stallNs / 16) < 1, `clock moved ${r.clockMoved} ns for ${r.stallNs} ns over 16 threads`);
    // Summed as one after the other, the clock would sit at the step's end.
    assert.ok(r.clockNs < r.stepEndNs, 'a later look in the step still sees time pass');
  });

  it('moves it by the whole time for a workload of one thread, up to the step\'s end', () => {
    const r = reclaimOnce(1, 20000);
    assert.ok(r.stallNs > 0, `${r.stallNs}`);
    assert.ok(Math.abs(r.clockMoved - Math.min(r.stallNs, r.dtNs)) < 1, `clock moved ${r.clockMoved} ns for ${r.stallNs} ns`);
  });
});
