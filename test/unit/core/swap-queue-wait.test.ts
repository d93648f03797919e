// A direct reclaimer that stops at the swap device's full request queue is waiting for
// writeback (get_request() sleeps until a request is free): its allocation retries once the
// queue has room instead of failing (7d1dba4). Other faults' writes may fill the queue while
// none of the reclaimer's own nodes has a page in flight, which left should_reclaim_retry()
// nothing to wait for, and the fault an OOM kill.

import * as assert from 'node:assert/strict';
import { PAGE_SIZE } from '../../../src/core/machine';
import { allocPages } from '../../../src/core/page_alloc';
import type { Sim, WorkloadState } from '../../../src/core/sim';
import { QUEUE_BYTES, submitSwapWrite, swapQueueWaitNs } from '../../../src/core/swap_io';
import { allocBase } from '../../../src/core/workload';
import { stepByHand } from './helpers';

const MS = 1e6;

// app fills node 0 (bound there); the swap device, 100 MB/s, is shared with node 1.
const SCENARIO = `scenario "a full swap queue of another node's writes"
machine {
  node 0 { memory = 1 GiB  cpus = 0-3 }
  node 1 { memory = 1 GiB  cpus = 4-7 }
  swap { size = 2 GiB  latency = 80 us  bandwidth = 100 MB/s }
}
kernel { transparent_hugepage.enabled = never }
workload app {
  node = 0
  threads = 4
  mempolicy = bind(0)
  at 0 s  alloc data 1000 MiB rate 10 GB/s
}
run { duration = 10 s  sample = 10 ms  seed = 1 }
`;

/** The scenario stepped by hand to 80 ms (800 MiB of app's buffer in, node 0 above its low
 *  mark), then node 1's reclaim writes 250 MB to the device: its queue is full for 0.8 s to
 *  come, with no page of node 0 in flight. */
function fullQueue(): { sim: Sim; wl: WorkloadState; queueWait: number; step: () => void } {
  const { sim, wl, step } = stepByHand(SCENARIO, 'swap-queue-wait.numa');
  while (sim.nowNs < 80 * MS) step();
  const otherPages = Math.ceil(250e6 / PAGE_SIZE);
  assert.equal(sim.takeFromNode(1, otherPages, false, null), otherPages);
  submitSwapWrite(sim, 1, 0, otherPages, sim.nowNs);
  const queueWait = swapQueueWaitNs(sim, sim.nowNs);
  assert.ok(queueWait > 0.5e9 && otherPages * PAGE_SIZE > QUEUE_BYTES, `queue wait ${queueWait}`);
  return { sim, wl, queueWait, step };
}

describe('core/page_alloc: a direct reclaimer facing a full swap request queue', function () {
  this.timeout(30000);

  it('waits for the queue\'s room and then gets its pages', () => {
    const { sim, wl, queueWait } = fullQueue();
    const region = wl.regions.get('data')!;
    const s = region.slices[region.slices.length - 1];
    // The rest of node 0 down to its min mark, without reclaim.
    const node = sim.nodes[0];
    allocPages(sim, { wl, region, slice: s, pages: node.free, huge: false, preferred: 0, zonelist: [0], directReclaim: false, kswapd: false, compact: null, noretry: false, cause: 'fill' });
    assert.ok(node.free <= node.level('min') + 64, `node 0 free ${node.free}, min ${node.level('min')}`);
    const stallBefore = wl.stallNs.reclaim;
    // The faults of the next 16 MiB need direct reclaim, whose swap-out finds the queue full.
    const want = 4096;
    assert.equal(allocBase(sim, wl, region, s, want, 'test'), want, 'the allocation got its pages');
    // It waited for the queue (and then for its own writes), not the milliseconds of a scan.
    const stalled = wl.stallNs.reclaim - stallBefore;
    assert.ok(stalled >= queueWait, `stalled ${stalled / MS} ms, queue wait ${queueWait / MS} ms`);
    assert.ok(sim.swapDev.nodes[0].inflight + sim.vmstat.counts.pswpout > 0, 'node 0 swapped out once the queue had room');
  });

  it('lets the workload fault the rest of its buffer in without an OOM kill', () => {
    const { sim, wl, queueWait, step } = fullQueue();
    const region = wl.regions.get('data')!;
    const stallBefore = wl.stallNs.reclaim;
    for (let i = 0; i < 30 && region.fillCursor < region.pages; i++) step();
    assert.equal(sim.vmstat.counts.oom_kill, 0);
    assert.ok(wl.alive && region.alive);
    assert.equal(region.fillCursor, region.pages, 'the whole buffer was faulted in');
    assert.ok(wl.stallNs.reclaim - stallBefore >= queueWait, `stalled ${(wl.stallNs.reclaim - stallBefore) / MS} ms`);
  });
});
