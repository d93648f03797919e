// Swap-cache hits (workload.ts remapSwapCached, swap_io.ts freeWrittenPages): a swapped-out page
// touched while it is still in memory (its write in flight, or written and not freed by a scan
// yet) is found in the swap cache by do_swap_page() and mapped again by a minor fault: no read
// from the device, no pswpin, no major fault. Its write still completes.

import * as assert from 'node:assert/strict';
import { runVariant } from '../../../src/core/engine';
import { HPAGE_NR, PAGE_SIZE } from '../../../src/core/machine';
import { Region } from '../../../src/core/memory';
import { Sim } from '../../../src/core/sim';
import { completeSwapWrites, freeWrittenPages, submitSwapWrite } from '../../../src/core/swap_io';
import { compileText, GiB, machine, scenario } from './helpers';

/** One 1 GiB node with a 1 GB/s swap device of 80 us latency. */
function sim(): Sim {
  return new Sim(scenario(machine([GiB], { swap: 4 * GiB }), []));
}

/** A region of 64 slices of one huge page each, its first slice's `pages` pages swapped out
 *  and under writeback. */
function swappedSlice(s: Sim, pages: number): Region {
  const r = new Region(0, 'buf', 'anon', 64 * HPAGE_NR, false, 'app', null, 1);
  r.fillCursor = r.pages;
  const sl = r.slices[0];
  s.takeFromNode(0, pages, false, null);
  sl.swapped = pages;
  sl.swapCache[0] = pages;
  submitSwapWrite(s, 0, 0, pages, 0, { region: r, first: sl.firstPage, end: sl.firstPage + sl.pages });
  return r;
}

describe('core/swap-cache: swapped-out pages still in memory', () => {
  it('the scan frees only the written pages no fault mapped again, and they leave the node\'s swap-out pages', () => {
    const s = sim();
    const r = swappedSlice(s, 400);
    const wb = s.swapDev.nodes[0];
    const free0 = s.nodes[0].free;
    // 100 of them mapped again while the write is in flight (what remapSwapCached does).
    r.slices[0].swapCache[0] -= 100;
    wb.remapped += 100;
    assert.equal(wb.pages(), 300, 'pages mapped again are the slice\'s, not swap-out pages');
    completeSwapWrites(s, 0, 1e9);
    assert.equal(wb.inflight, 0, 'the write completed with the pages mapped again in it');
    assert.deepEqual(freeWrittenPages(s, 0, 1000, 0.5), { freed: 300, folios: 300 });
    assert.equal(s.nodes[0].free, free0 + 300);
    assert.equal(r.slices[0].swapCache[0], 0);
    assert.equal(wb.remapped, 0);
    assert.equal(wb.pages(), 0);
  });

  it('a write follows its pages when their slice is split: the scan takes them from both parts', () => {
    const s = sim();
    // Slices of 4 huge pages; the first one's pages all swapped out, then it is cut in two.
    const r = new Region(0, 'buf', 'anon', 64 * 4 * HPAGE_NR, false, 'app', null, 1);
    r.fillCursor = r.pages;
    const sl = r.slices[0];
    assert.equal(sl.pages, 4 * HPAGE_NR);
    s.takeFromNode(0, sl.pages, false, null);
    sl.swapped = sl.pages;
    sl.swapCache[0] = sl.pages;
    submitSwapWrite(s, 0, 0, sl.pages, 0, { region: r, first: sl.firstPage, end: sl.firstPage + sl.pages });
    assert.ok(r.splitAt(2 * HPAGE_NR));
    const [a, b] = r.slices;
    assert.deepEqual([a.swapCache[0], b.swapCache[0]], [2 * HPAGE_NR, 2 * HPAGE_NR]);
    // A fault maps 300 of the right part's pages again.
    b.swapCache[0] -= 300;
    s.swapDev.nodes[0].remapped += 300;
    completeSwapWrites(s, 0, 1e9);
    assert.equal(freeWrittenPages(s, 0, sl.pages, 0.5).freed, sl.pages - 300);
    assert.deepEqual([a.swapCache[0], b.swapCache[0]], [0, 0]);
    assert.equal(s.swapDev.nodes[0].pages(), 0);
  });

  it('a page touched while it is in the swap cache is not read back from the device: no pswpin, a minor fault, and its write still completes', () => {
    // 1300 MiB into 1 GiB onto a 100 MB/s device whose request queue holds 1.6 s of writes, the
    // buffer's pages touched about 3 times a second: most pages reclaim writes out are touched
    // before a scan frees them.
    const set = compileText(`scenario "swap-cache hits"
machine {
  node 0 { memory = 1 GiB  cpus = 0-3 }
  swap { size = 2 GiB  latency = 80 us  bandwidth = 100 MB/s }
}
kernel { transparent_hugepage.enabled = never }
workload app {
  node = 0
  threads = 4
  at 0 s  alloc data 1300 MiB
  at 0 s  access data uniform writes 50% for 20 s rate 1M/s
}
run { duration = 20 s  sample = 100 ms  seed = 1 }
`, 'swapcache.numa');
    let swappedEnd = 0, faulted = 0, busyUntil = 0, seenInFlight = 0;
    const r = runVariant(set.variants[0], {
      inspect: (s) => {
        swappedEnd = s.regions.reduce((t, x) => t + x.slices.reduce((u, sl) => u + sl.swapped, 0), 0);
        faulted = s.regions.reduce((t, x) => t + (x.kind === 'anon' ? x.fillCursor : 0), 0);
        busyUntil = s.swapDev.busyUntilNs;
        seenInFlight = Math.max(seenInFlight, s.swapDev.nodes[0].inflight);
      },
    });
    const vm = r.summary.vmstat;
    assert.equal(vm.oom_kill, 0);
    assert.ok(vm.pswpout > 20000 && seenInFlight > 0, `pswpout ${vm.pswpout}`);
    // Every page written out is back in memory or still out: the ones found in the swap cache
    // were not read (pswpin) and each cost one minor fault on top of the buffer's first touch.
    const hits = vm.pswpout - vm.pswpin - swappedEnd;
    assert.ok(hits > 0.1 * vm.pswpout, `${hits} swap-cache hits of ${vm.pswpout} pages written, ${vm.pswpin} read back`);
    assert.equal(vm.pgfault, faulted + hits);
    // The writes were issued and the device spent their time: pswpout pages at 100 MB/s.
    assert.ok(busyUntil >= (vm.pswpout * PAGE_SIZE * 1e9) / 100e6, `device busy until ${busyUntil / 1e9} s`);
  });
});
