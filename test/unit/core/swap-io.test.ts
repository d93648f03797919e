// Swap writeback in flight (src/core/swap_io.ts): a swapped-out page is free only once its write
// has ended at the device's bandwidth and a later scan reaches it at the inactive tail; writers
// wait for a full request queue; kswapd that meets only writeback waits per version.

import * as assert from 'node:assert/strict';
import { runVariant } from '../../../src/core/engine';
import { HPAGE_NR, PAGE_SIZE } from '../../../src/core/machine';
import { Sim } from '../../../src/core/sim';
import { completeSwapWrites, freeWrittenPages, QUEUE_BYTES, submitSwapWrite, swapQueueWaitNs, WRITEBACK_THROTTLE_NS } from '../../../src/core/swap_io';
import { kswapdThrottled } from '../../../src/core/vmscan';
import { compileText, GiB, machine, scenario } from './helpers';

const US = 1e3, MS = 1e6;

/** One 1 GiB node with a 1 GB/s swap device of 80 us latency, at kernel `version`. */
function sim(version = '6.1'): Sim {
  const sc = scenario(machine([GiB], { swap: 4 * GiB }), []);
  return new Sim({ ...sc, kernel: { version, overrides: [] } });
}

/** Takes `pages` from node 0 as if they were a workload's, so a swap-out has something to hold. */
function used(s: Sim, pages: number): void {
  s.takeFromNode(0, pages, false, null);
}

describe('core/swap-io: swap writeback in flight', () => {
  it('a swapped-out THP is not free until its write ends at the device bandwidth and a scan frees it', () => {
    const s = sim();
    used(s, HPAGE_NR);
    const free0 = s.nodes[0].free;
    submitSwapWrite(s, 0, 1, 0, 0);
    // 2 MiB at 1 GB/s is 2.097 ms, plus the device's 80 us.
    const doneNs = (HPAGE_NR * PAGE_SIZE * 1e9) / 1e9 + 80 * US;
    completeSwapWrites(s, 0, doneNs - 1);
    assert.equal(s.swapDev.nodes[0].inflight, HPAGE_NR);
    assert.deepEqual(freeWrittenPages(s, 0, HPAGE_NR, 0.5), { freed: 0, folios: 0 });
    completeSwapWrites(s, 0, doneNs);
    assert.equal(s.swapDev.nodes[0].inflight, 0);
    assert.equal(s.swapDev.nodes[0].rotatedThps, 1);
    // Written is not free: end_page_writeback() only rotates it to the tail.
    assert.equal(s.nodes[0].free, free0);
    const blocks = s.nodes[0].freeBlocks;
    assert.deepEqual(freeWrittenPages(s, 0, 32, 0.5), { freed: HPAGE_NR, folios: 1 });
    assert.equal(s.nodes[0].free, free0 + HPAGE_NR);
    assert.equal(s.nodes[0].freeBlocks, blocks + 1, 'a THP swapped whole comes back as a free 2 MiB block');
    assert.equal(s.swapDev.nodes[0].pages(), 0);
  });

  it('the device writes one request after the other: a second write ends a transfer time after the first', () => {
    const s = sim();
    used(s, 2 * HPAGE_NR);
    submitSwapWrite(s, 0, 1, 0, 0);
    submitSwapWrite(s, 0, 1, 0, 0);
    const xfer = HPAGE_NR * PAGE_SIZE;
    completeSwapWrites(s, 0, xfer + 80 * US);
    assert.equal(s.swapDev.nodes[0].rotatedThps, 1);
    completeSwapWrites(s, 0, 2 * xfer + 80 * US);
    assert.equal(s.swapDev.nodes[0].rotatedThps, 2);
  });

  it('a writer waits only when the queue holds more than BLKDEV_MAX_RQ full requests', () => {
    const s = sim();
    const room = QUEUE_BYTES / PAGE_SIZE;
    used(s, room + HPAGE_NR);
    submitSwapWrite(s, 0, 0, room, 0);
    assert.equal(swapQueueWaitNs(s, 0), 0);
    submitSwapWrite(s, 0, 1, 0, 0);
    // The queue holds QUEUE_BYTES: the writer waits for the last THP's worth to drain.
    assert.ok(Math.abs(swapQueueWaitNs(s, 0) - HPAGE_NR * PAGE_SIZE) < 1, `${swapQueueWaitNs(s, 0)}`);
    assert.equal(swapQueueWaitNs(s, HPAGE_NR * PAGE_SIZE), 0);
  });

  it('kswapd meeting only writeback sleeps HZ/10 before 5.16 and until 32 pages complete from 5.16 (8cd7c588decf)', () => {
    for (const [version, expectNs] of [['4.19', WRITEBACK_THROTTLE_NS], ['6.1', (32 * PAGE_SIZE * 1e9) / 1e9 + 80 * US]] as const) {
      const s = sim(version);
      assert.equal(kswapdThrottled(s, 0), false, 'nothing in flight: kswapd is not throttled');
      used(s, 4 * HPAGE_NR);
      for (let i = 0; i < 4 * HPAGE_NR / 32; i++) submitSwapWrite(s, 0, 0, 32, 0);
      assert.equal(kswapdThrottled(s, 0), true);
      assert.ok(Math.abs(s.nodes[0].kswapd.throttledUntilNs - expectNs) < 1, `${version}: ${s.nodes[0].kswapd.throttledUntilNs}`);
      // Once the writes have ended there is nothing to wait for.
      s.nowNs = 1e9;
      assert.equal(kswapdThrottled(s, 0), false, `${version}: throttled after every write ended`);
    }
  });

  it('an overflow onto a slow device waits for its writes instead of failing: no OOM kill, pages seen under writeback', () => {
    const set = compileText(`scenario "overflow with a slow swap device"
machine {
  node 0 { memory = 1 GiB  cpus = 0-3 }
  swap { size = 2 GiB  latency = 80 us  bandwidth = 100 MB/s }
}
kernel { transparent_hugepage.enabled = never }
workload app {
  node = 0
  threads = 4
  at 0 s  alloc data 1300 MiB
}
run { duration = 30 s  sample = 100 ms  seed = 1 }
`, 'overflow.numa');
    let inflight = 0;
    const r = runVariant(set.variants[0], { inspect: (s) => { inflight = Math.max(inflight, s.swapDev.nodes[0].inflight); } });
    const vm = r.summary.vmstat;
    assert.ok(vm.pswpout > 40000, `pswpout ${vm.pswpout}`);
    assert.ok(inflight > 0, 'pages were seen under writeback');
    // 1300 MiB into 1 GiB: the overflow goes to swap at 100 MB/s, so the faulting threads wait
    // seconds for the device, not the milliseconds of reclaim scanning, and no one is killed.
    const mb = (vm.pswpout * PAGE_SIZE) / 1e6;
    assert.ok(r.summary.workloads[0].time_ms.reclaim > (0.5 * mb * 1e3) / 100, `reclaim ${r.summary.workloads[0].time_ms.reclaim} ms for ${mb} MB`);
    // The threads waited, together, at least as long as the device took beyond its queue.
    const stallMs = r.summary.workloads[0].stall_ms.reclaim;
    assert.ok(stallMs * MS >= ((vm.pswpout * PAGE_SIZE - QUEUE_BYTES) * 1e9) / 100e6, `stalled ${stallMs} ms`);
    assert.equal(vm.oom_kill, 0);
  });
});
