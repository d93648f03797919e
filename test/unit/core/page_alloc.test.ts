// The allocator's side effects: page tables that grow with the faults, watermark boosting
// (boost_watermark, ZONE_BOOSTED_WATERMARK, boosted balance_pgdat) and memory.high throttling.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import { highDelayNs } from '../../../src/core/memcontrol';
import { allocPages, kernelAlloc, migratetypeFallback } from '../../../src/core/page_alloc';
import type { VariantResult } from '../../../src/core/result';
import { Sim } from '../../../src/core/sim';
import { kswapdRun } from '../../../src/core/vmscan';
import { compile } from '../../../src/language';

const MACHINE = `machine {
  node 0 { memory = 2 GiB  cpus = 0-3 }
  node 1 { memory = 2 GiB  cpus = 4-7 }
}
`;

function compiled(text: string) {
  const c = compile(text);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  assert.ok(c.set && errors.length === 0, errors.map((e) => e.message).join('; '));
  return c.set!;
}

const run = (text: string): VariantResult => runScenarioSet(compiled(text)).variants[0];

describe('core/page_alloc: watermark boosting', function () {
  this.timeout(60000);

  it('a fault fill allocates one PTE page per 2 MiB and one PMD page per 1 GiB, and munmap gives them back', () => {
    const text = `scenario "pt"\n${MACHINE}workload w { node = 0\n  at 0 s alloc a 512 MiB\n  at 1 s free a\n}\nrun { duration = 2 s  sample = 100 ms }\n`;
    const v = run(text);
    const free = v.series.nodes[0].MemFree;
    const at = (ms: number) => free[v.series.t_ms.findIndex((t) => t >= ms)];
    // 131072 data pages + 256 PTE pages + 1 PMD page, in kB.
    assert.equal(at(0) - at(900), (131072 + 256 + 1) * 4);
    // Everything comes back but what the freeing CPU's pcp lists keep (MemFree does not count
    // pcp pages): the pages came from ZONE_NORMAL, whose list ends within a batch of pcp->high.
    const zones = new Sim(compiled(text).variants[0]).nodes[0].zones;
    const normal = zones[zones.length - 1].pcp;
    const held = (at(0) - at(2000)) / 4;
    assert.ok(held >= normal.high - normal.batch && held < zones.reduce((t, z) => t + z.pcp.high, 0), `pcp holds ${held} pages`);
  });

  it('a migratetype fallback boosts the zone, wakes kswapd at the next rmqueue, and boosted kswapd neither swaps nor writes back', () => {
    const set = compiled(`scenario "b"\n${MACHINE.replace('}\n}', '}\n  swap { size = 1 GiB }\n}')}workload w { node = 0\n  at 0 s alloc a 64 MiB\n}\nrun { duration = 1 s }\n`);
    const sim = new Sim(set.variants[0]);
    const node = sim.nodes[0];
    assert.equal(migratetypeFallback(sim, 0), true);
    assert.ok(node.boosted() && node.zones.some((z) => z.boost === 512));
    assert.equal(node.kswapd.awake, false, 'woken by the next rmqueue(), not by the fallback itself');
    const r = sim.newRegion('a', 'anon', 1 << 20, false, 'w', null);
    assert.equal(allocPages(sim, { wl: null, region: r, slice: r.slices[0], pages: 1, huge: false, preferred: 0, zonelist: node.zonelist, directReclaim: true, kswapd: true, compact: null, noretry: false, cause: 'test' }), 1);
    assert.equal(node.kswapd.awake, true);
    assert.equal(node.kswapd.boostReclaim, 512);
    // Nothing clean to reclaim (no page cache): the boosted pass frees nothing, gives up and
    // takes its boost back; it does not swap.
    node.kswapd.budgetNs = 1e9;
    kswapdRun(sim, 0);
    assert.equal(node.kswapd.awake, false);
    assert.equal(node.boosted(), false);
    assert.equal(sim.vmstat.counts.pswpout, 0);
  });

  it('a page table that must steal from a movable pageblock boosts even under ALLOC_NOFRAGMENT (the retry before leaving the node)', () => {
    // Node 0 of the corpus guest has DMA32 below ZONE_NORMAL, so a fault from CPU 0 runs with
    // ALLOC_NOFRAGMENT; with no room in unmovable pageblocks and no whole free pageblock left,
    // get_page_from_freelist() retries without it before going to node 1, and steals.
    const sim = new Sim(compiled(`scenario "s"\nmachine preset qemu-2x1g\nworkload w { cpus = 0\n at 0 s alloc a 1 MiB\n}\nrun { duration = 1 s }\n`).variants[0]);
    const node = sim.nodes[0];
    node.pb.room.unmovable = 0;
    node.freeBlocks = 0;
    assert.equal(node.boosted(), false);
    assert.equal(kernelAlloc(sim, node.zonelist, 1), 0);
    assert.equal(node.boosted(), true);
    assert.equal(node.boostedWake, false, 'the same rmqueue() woke kswapd');
    assert.equal(node.kswapd.awake, true);
  });

  it('vm.watermark_boost_factor = 0, or a kernel before 5.0, boosts nothing', () => {
    for (const extra of ['vm.watermark_boost_factor = 0', 'version = 4.20']) {
      const set = compiled(`scenario "b"\n${MACHINE}kernel { ${extra} }\nworkload w { node = 0\n  at 0 s alloc a 64 MiB\n}\nrun { duration = 1 s }\n`);
      const sim = new Sim(set.variants[0]);
      assert.equal(migratetypeFallback(sim, 0), false, extra);
      assert.equal(sim.nodes[0].boosted(), false, extra);
    }
  });

  it('the boost is capped at watermark_boost_factor x the high mark', () => {
    const set = compiled(`scenario "b"\n${MACHINE}kernel { vm.watermark_boost_factor = 15000 }\nworkload w { node = 0\n  at 0 s alloc a 64 MiB\n}\nrun { duration = 1 s }\n`);
    const sim = new Sim(set.variants[0]);
    const top = sim.nodes[1].zones[0];
    for (let i = 0; i < 100; i++) migratetypeFallback(sim, 1, 0);
    assert.equal(top.boost, Math.max(512, Math.floor((top.wmark.high * 15000) / 10000)));
  });
});

describe('core/memcontrol: memory.high throttling (calculate_high_delay)', function () {
  this.timeout(60000);

  it('sleeps overage^2 x nr_pages seconds per batch, nothing up to 10 ms, at most 2 s', () => {
    // 10% over: 0.01 x 64 pages = 0.64 s.
    assert.equal(Math.round(highDelayNs(1100, 1000, 64) / 1e6), 640);
    assert.equal(highDelayNs(1000, 1000, 64), 0);
    // 1% over: 0.0001 x 64 = 6.4 ms, under HZ / 100: no sleep.
    assert.equal(highDelayNs(1010, 1000, 64), 0);
    assert.equal(highDelayNs(3000, 1000, 64), 2e9);
  });

  it('a cgroup whose anon memory cannot be reclaimed (no swap) is throttled above memory.high, as reclaim stall', () => {
    const text = (high: string) => `scenario "h"\n${MACHINE}cgroup c { ${high} }\nworkload w { node = 0\n  cgroup = c\n  at 0 s alloc a 256 MiB rate 512 MB/s\n}\nrun { duration = 2 s  sample = 100 ms }\n`;
    const throttled = run(text('memory.high = 200 MiB'));
    const free = run(text('memory.high = 1 GiB'));
    const stall = (v: VariantResult) => v.summary.workloads[0].stall_ms.reclaim;
    assert.equal(stall(free), 0);
    assert.ok(stall(throttled) > 1000, String(stall(throttled)));
    assert.ok(throttled.events.some((e) => e.kind === 'direct_reclaim' && e.pages === 0 && /memory.high penalty sleep/.test(e.cause)));
  });
});
