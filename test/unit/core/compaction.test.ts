// Compaction from the pageblock model (src/core/compaction.ts): a node whose free memory sits
// scattered in used movable pageblocks, compacted by direct async or sync-light compaction, with
// the skip bits and the async free scanner's stride deciding the outcome, and the THP defrag
// modes' gfp masks.

import * as assert from 'node:assert/strict';
import { allocNonMovable, compactionSuitable, fragmentationIndex, kswapdSleeps, patternFreed, tryToCompactPages } from '../../../src/core/compaction';
import { thpGfp } from '../../../src/core/huge_memory';
import { HPAGE_NR } from '../../../src/core/machine';
import { Sim } from '../../../src/core/sim';
import { runScenarioSet } from '../../../src/core';
import { compile } from '../../../src/language';
import { GiB, machine, scenario } from './helpers';

/** One 1 GiB node filled with movable pages, then half of its used pages
 *  freed, every other page: at offset 1 of each pair (`hidden`, the pattern async compaction's
 *  strided free scanner never samples) or at offset 0. */
function fragmented(hidden: boolean, knobs: Record<string, number | string | boolean> = {}): Sim {
  const sim = new Sim(scenario(machine([GiB]), [], knobs));
  const node = sim.nodes[0];
  const used = sim.takeFromNode(0, node.free, false, null);
  const freed = Math.floor(used / 2);
  sim.giveToNode(0, freed, 0);
  patternFreed(node, freed, 2, hidden ? 1 : 0, 1);
  return sim;
}

describe('core/compaction: the pageblock model', () => {
  it('async compaction cannot use free pages its stride never samples; a completed pass marks every pageblock skip', () => {
    const sim = fragmented(true);
    const node = sim.nodes[0];
    assert.equal(node.freeBlocks, 0, 'no free 2 MiB block left');
    assert.ok(compactionSuitable(sim, 0), 'fragmented, not short of memory: compaction is suitable');
    const r = tryToCompactPages(sim, 0, 'light', 4, null);
    assert.equal(r.successes, 0);
    assert.equal(sim.vmstat.counts.compact_stall, 4);
    assert.equal(sim.vmstat.counts.compact_fail, 4);
    assert.ok(node.pb.skip > 400, `skip bits set: ${node.pb.skip}`);
    assert.ok(node.pb.blockskipFlush, 'a direct pass completed');
    // The next attempts find every pageblock skipped: they scan nothing new.
    const scanned = sim.vmstat.counts.compact_free_scanned;
    tryToCompactPages(sim, 0, 'light', 4, null);
    assert.equal(sim.vmstat.counts.compact_free_scanned, scanned);
    // kswapd going to sleep clears the skip bits (reset_isolation_suitable).
    kswapdSleeps(sim, 0);
    assert.equal(node.pb.skip, 0);
    assert.equal(node.pb.blockskipFlush, false);
  });

  it('async compaction empties pageblocks when the free pages are where it samples', () => {
    const sim = fragmented(false);
    const r = tryToCompactPages(sim, 0, 'light', 3, null);
    assert.equal(r.successes, 3);
    assert.equal(sim.nodes[0].freeBlocks, 3);
    const c = sim.vmstat.counts;
    // Each block made: its ~256 used pages migrated into free pages of other blocks.
    assert.ok(Math.abs(c.pgmigrate_success - 3 * 256) <= 3, `${c.pgmigrate_success}`);
    assert.equal(c.compact_isolated, 2 * c.pgmigrate_success);
    assert.equal(c.compact_migrate_scanned, 3 * HPAGE_NR);
  });

  it('sync-light compaction scans every page, so it succeeds where async fails; a sync failure defers', () => {
    const sim = fragmented(true);
    assert.equal(tryToCompactPages(sim, 0, 'full', 2, null).successes, 2);
    assert.equal(sim.nodes[0].compactDeferShift, 0);
    // A node with nothing scattered to gather: sync-light fails and defers (defer_compaction).
    const full = new Sim(scenario(machine([GiB]), []));
    full.takeFromNode(0, full.nodes[0].free - 2048, false, null);
    full.giveToNode(0, 1500, 0);
    const before = full.nodes[0].compactDeferShift;
    tryToCompactPages(full, 0, 'full', 1, null);
    assert.equal(full.nodes[0].compactDeferShift, before + (compactionSuitable(full, 0) ? 1 : 0));
  });

  it('compaction_suitable follows the fragmentation index and vm.extfrag_threshold', () => {
    const sim = fragmented(true);
    assert.ok(fragmentationIndex(sim.nodes[0]) > 990, 'order-0 chunks only: failure is due to fragmentation');
    assert.ok(!compactionSuitable(fragmented(true, { 'vm.extfrag_threshold': 1000 }), 0), 'threshold 1000: never suitable');
    sim.nodes[0].freeBlocks = 1;
    assert.equal(fragmentationIndex(sim.nodes[0]), -1000, 'a free block exists');
  });

  it('a non-movable allocation claims whole free pageblocks first, then steals from used movable ones (fallback events)', () => {
    const sim = new Sim(scenario(machine([GiB]), []));
    const node = sim.nodes[0];
    const blocks = node.freeBlocks;
    // The boot-time unmovable pageblocks' free pages go first.
    const room = node.pb.room.unmovable;
    const claim = allocNonMovable(sim, 0, room + 2 * HPAGE_NR + 1, 'unmovable', null);
    assert.equal(node.pb.room.unmovable, HPAGE_NR - 1, 'the rest of the third claimed pageblock');
    assert.equal(claim.claimed, 3);
    assert.equal(claim.stolen, 0);
    assert.equal(node.freeBlocks, blocks - 3);
    // Now a fragmented node: no free block, so pages are stolen from used movable pageblocks,
    // which either change owner (at least half free) or keep an unmovable page for good.
    const frag = fragmented(true);
    const pb = frag.nodes[0].pb;
    const before = pb.unmovable + pb.polluted;
    const ev = allocNonMovable(frag, 0, 5000, 'unmovable', null);
    assert.equal(ev.claimed, 0);
    assert.equal(ev.taken, 5000);
    assert.ok(ev.stolen >= 10, `stole from movable pageblocks: ${ev.stolen}`);
    assert.equal(pb.unmovable + pb.polluted, before + ev.stolen);
    // Polluted pageblocks are no source for compaction: sync-light makes fewer blocks.
    const clean = fragmented(true);
    assert.ok(tryToCompactPages(frag, 0, 'full', 1, null).successes <= tryToCompactPages(clean, 0, 'full', 1, null).successes);
  });
});

describe('core/huge_memory: defrag modes (alloc_hugepage_direct_gfpmask)', () => {
  const region = (hugepage: boolean) => ({ hugepage } as never);
  const gfp = (defrag: string, madvised: boolean) => thpGfp(new Sim(scenario(machine([GiB]), [], { 'transparent_hugepage.defrag': defrag })), region(madvised));
  it('matches the kernel table for MADV_HUGEPAGE ranges and the rest', () => {
    assert.deepEqual(gfp('always', true), { direct: true, kswapd: false, noretry: false });
    assert.deepEqual(gfp('always', false), { direct: true, kswapd: false, noretry: true });
    assert.deepEqual(gfp('defer', true), { direct: false, kswapd: true, noretry: false });
    assert.deepEqual(gfp('defer+madvise', true), { direct: true, kswapd: false, noretry: false });
    assert.deepEqual(gfp('defer+madvise', false), { direct: false, kswapd: true, noretry: false });
    assert.deepEqual(gfp('madvise', true), { direct: true, kswapd: false, noretry: false });
    assert.deepEqual(gfp('madvise', false), { direct: false, kswapd: false, noretry: false });
    assert.deepEqual(gfp('never', true), { direct: false, kswapd: false, noretry: false });
  });
});

describe('language: dontneed SIZE per CHUNK from OFFSET', () => {
  const src = (action: string) => `machine { node 0 { memory = 1 GiB  cpus = 0 } }\nworkload w {\n  at 0 s alloc r 64 MiB\n  at 1 s ${action}\n}\nrun { duration = 2 s }\n`;
  it('takes an offset into each chunk', () => {
    const c = compile(src('dontneed r 4 KiB per 8 KiB from 4 KiB'));
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    const p = c.set!.variants[0].workloads[0].phases[1];
    assert.ok(p.kind === 'dontneed' && p.offsetBytes === 4096 && p.perBytes === 8192 && p.bytes === 4096);
  });
  it('refuses an offset that runs past the chunk', () => {
    const c = compile(src('dontneed r 4 KiB per 8 KiB from 6 KiB'));
    assert.ok(c.diagnostics.some((d) => d.severity === 'error' && /past the end of each 8 KiB chunk/.test(d.message)), JSON.stringify(c.diagnostics));
  });
});

describe('core/khugepaged: collapsing base-page ranges', () => {
  /** 64 MiB of THPs half unmapped with a synchronous split (base pages, every other PTE empty),
   *  accessed; a filler may then take the node's free blocks; khugepaged wakes every 3 s. */
  const run = (extra: string, fillMiB: number) => {
    const text = `machine { node 0 { memory = 1 GiB  cpus = 0 } }
kernel {
  transparent_hugepage.enabled = madvise
  transparent_hugepage.khugepaged_scan_sleep_millisecs = 3000
  patch.dontneed_sync_split = true
  ${extra}
}
workload app {
  cpus = 0
  at 0 s  alloc region 64 MiB MADV_HUGEPAGE
  at 1 s  dontneed region 4 KiB per 8 KiB
  at 1 s  access region uniform rate 1M/s
}
workload filler {
  cpus = 0
  at 2 s  alloc fill ${fillMiB} MiB
}
run { duration = 12 s }
`;
    const c = compile(text);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    return runScenarioSet(c.set!).variants[0].summary.vmstat;
  };
  it('collapses half-empty ranges (max_ptes_none 511 fills the empty PTEs), 8 ranges per scan, and none with max_ptes_none 0', () => {
    const on = run('', 1);
    assert.equal(on.thp_split_page, 32);
    assert.equal(on.thp_collapse_alloc, 32, 'pages_to_scan 4096 = 8 ranges a wake, at 3, 6, 9 and 12 s');
    assert.equal(run('transparent_hugepage.khugepaged_max_ptes_none = 0', 1).thp_collapse_alloc, 0);
    assert.equal(run('transparent_hugepage.khugepaged_pages_to_scan = 512', 1).thp_collapse_alloc, 4, 'one range a wake: at 3, 6, 9 and 12 s');
  });
  it('stops with thp_collapse_alloc_failed once the node has no free block and may not compact', () => {
    const v = run('transparent_hugepage.khugepaged_defrag = false', 900);
    assert.ok(v.thp_collapse_alloc < 32, `collapsed ${v.thp_collapse_alloc}`);
    assert.ok(v.thp_collapse_alloc_failed >= 1, `failed ${v.thp_collapse_alloc_failed}`);
  });
});
