// The LRU lists (src/core/lru.ts, src/core/vmscan.ts): thrashing appears when the workload
// causes it and not otherwise, with the kernel's workingset counters; the deferred split queue
// drains only when the lists fall short.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import { exposureAt, NodeLru, pushInactive, touch, youngShare } from '../../../src/core/lru';
import { Slice, type Region } from '../../../src/core/memory';
import type { Sim } from '../../../src/core/sim';
import type { VariantResult } from '../../../src/core/result';
import { compile } from '../../../src/language';

function run(text: string): VariantResult[] {
  const c = compile(text, 'lru-test.numa');
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  assert.ok(c.set && errors.length === 0, errors.map((e) => e.message).join('; '));
  return runScenarioSet(c.set!).variants;
}

/** One node of 1 GiB with swap; a workload that faults `size` and then makes random accesses to
 *  all of it, back to back. */
function workingSet(size: string): string {
  return `scenario "working set against memory"
machine {
  node 0 { memory = 1 GiB  cpus = 0-3 }
  swap { size = 2 GiB  latency = 80 us  bandwidth = 1 GB/s }
}
kernel {
  transparent_hugepage.enabled = never
}
workload app {
  node = 0
  threads = 4
  at 0 s  alloc data ${size}
  after alloc data  access data uniform for 200M accesses
}
run {
  duration = 600 s
  sample = 500 ms
  seed = 5
}
`;
}

describe('core/lru: thrashing comes from the workload, not from a threshold', function () {
  this.timeout(120000);

  it('a working set a little larger than memory thrashes: evicted pages refault and the workingset check activates them', () => {
    const [v] = run(workingSet('1100 MiB'));
    const vm = v.summary.vmstat;
    assert.ok(vm.pswpout > 10000 && vm.pswpin > 10000, `pswpout ${vm.pswpout} pswpin ${vm.pswpin}`);
    // Every swap-in of an evicted page is a refault; its distance is within the workingset
    // (memory is only slightly too small), so most come back straight to the active list.
    assert.ok(vm.workingset_refault_anon > 0.5 * vm.pswpin, `refaults ${vm.workingset_refault_anon} of ${vm.pswpin} swap-ins`);
    assert.ok(vm.workingset_activate_anon > 0.5 * vm.workingset_refault_anon, `activations ${vm.workingset_activate_anon}`);
    assert.equal(vm.workingset_refault_file, 0);
    // Ping-pong between memory and swap goes on as long as the accesses do.
    const s = v.series.vmstat.pswpin;
    const mid = Math.floor(s.length / 2);
    assert.ok(s[s.length - 1] > s[mid] && s[mid] > 0);
    const app = v.summary.workloads[0];
    assert.ok(app.time_ms.swapin > 0 && app.runtime_ms !== null);
  });

  it('a working set that fits is never swapped, however hard it is used', () => {
    const [v] = run(workingSet('700 MiB'));
    const vm = v.summary.vmstat;
    assert.equal(vm.pswpout, 0);
    assert.equal(vm.workingset_refault_anon, 0);
    assert.equal(v.summary.workloads[0].time_ms.swapin, 0);
  });

  it('is deterministic: the same seed gives the same counters', () => {
    const a = run(workingSet('1100 MiB'))[0].summary.vmstat;
    const b = run(workingSet('1100 MiB'))[0].summary.vmstat;
    assert.deepEqual(a, b);
  });
});

describe('core/lru: a slice whose access phase has begun but taken no access yet', () => {
  // touch() with no accesses marks the slice live (its phase runs) but gives it no rate and no
  // step it took one in (rateStepNs stays -Infinity): extending its exposure past that step was
  // 0 * Infinity = NaN, which made every young share and unreferencedReclaimable() NaN and
  // silently turned off the THP slow path's reclaim (both `cold > 0` and `cold < wanted` false).
  it('has a finite exposure and young share, and gains exposure only once it is accessed', () => {
    const dtNs = 50e6;
    const sim = { nowNs: 20e9, dtNs, lru: [new NodeLru(), new NodeLru()] } as unknown as Sim;
    const region = { kind: 'anon' } as Region;
    const s = new Slice(0, 0, 4096, 2);
    s.huge[0] = 4096;
    touch(sim, region, s, 0, dtNs);
    const later = sim.nowNs + dtNs / 2;
    assert.equal(exposureAt(sim, s, later, s.lru.rateStepNs + dtNs), 0);
    const c = pushInactive(sim, s, 0, 4096, 0, 0)!;
    assert.ok(Number.isFinite(c.e0), `cohort exposure ${c.e0}`);
    const young = youngShare(sim, region, s, 0, c, later);
    assert.equal(young, 0);
    // The first accesses give it a rate: exposure grows past the step, and the pages get young.
    touch(sim, region, s, 0.01, dtNs);
    const grown = exposureAt(sim, s, later + dtNs, s.lru.rateStepNs + dtNs);
    assert.ok(grown > 0.01 && Number.isFinite(grown), `exposure ${grown}`);
    assert.ok(youngShare(sim, region, s, 0, c, later + dtNs) > 0.9);
  });
});

describe('core/lru: pages put at the inactive head are behind every page already on the list', () => {
  // In the kernel a page put at the list head is reached after every page that was there before
  // it. The model keeps at most MAX_COHORTS (4) cohorts per slice and node; a fifth push used to
  // be merged into the slice's newest cohort at their mean list position, nearer the tail, so
  // pages kept by reclaim got their second look before pages kept ahead of them.
  it('keeps the head exact past MAX_COHORTS: the list, ordered as reclaim scans it, is FIFO with the newest push last', () => {
    const sim = { nowNs: 0, dtNs: 50e6, lru: [new NodeLru()] } as unknown as Sim;
    const a = new Slice(0, 0, 1 << 20, 1);
    const b = new Slice(1, 1 << 20, 1 << 20, 1);
    // Alternate pushes of two slices, slice a pushing 8 times: the pages of each push must be
    // behind every page pushed before it.
    const pushes: { slice: Slice; pages: number }[] = [];
    for (let i = 0; i < 8; i++) pushes.push({ slice: a, pages: 1000 + 100 * i }, { slice: b, pages: 10 });
    let total = 0, fresh = 0;
    for (const [i, p] of pushes.entries()) {
      const before = sim.lru[0].seq;
      const c = pushInactive(sim, p.slice, 0, p.pages, 0, i)!;
      total += p.pages;
      fresh += Math.min(p.pages, i);
      // A cohort of its own, at exactly the place it went to.
      assert.equal(c.pages, p.pages, `push ${i} joined a cohort of ${c.pages} pages`);
      assert.equal(c.seq, before + p.pages / 2);
      for (const s of [a, b]) for (const o of s.lru.inactive[0]) {
        if (o !== c) assert.ok(o.seq < c.seq, `push ${i} (list position ${c.seq}) is reached before a cohort at ${o.seq}`);
      }
    }
    assert.ok(a.lru.inactive[0].length <= 4 && b.lru.inactive[0].length <= 4);
    // Merging loses no page, no PG_referenced and no young PTE.
    const all = [...a.lru.inactive[0], ...b.lru.inactive[0]];
    assert.equal(all.reduce((x, c) => x + c.pages, 0), total);
    assert.equal(all.reduce((x, c) => x + c.fresh, 0), fresh);
    // Reclaim scans cohorts by list position (vmscan.ts ListView.rebuild): the last two pushes
    // come last, in the order they were pushed, each a cohort of its own.
    const order = all.slice().sort((x, y) => x.seq - y.seq);
    assert.equal(order[order.length - 1].pages, pushes[pushes.length - 1].pages);
    assert.equal(order[order.length - 2].pages, pushes[pushes.length - 2].pages);
  });
});
