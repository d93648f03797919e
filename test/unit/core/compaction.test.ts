// Compaction from the pageblock model (src/core/compaction.ts): a node whose free memory sits
// scattered in used movable pageblocks, compacted by direct async or sync-light compaction, with
// the skip bits and the async free scanner's stride deciding the outcome, and the THP defrag
// modes' gfp masks.

import * as assert from 'node:assert/strict';
import { allocNonMovable, compactionSuitable, fragmentationIndex, fragmentationScoreNode, fragmentationScoreWmark, kcompactdRun, kswapdSleeps, patternFreed, tryToCompactPages, wakeupKcompactd } from '../../../src/core/compaction';
import { thpGfp } from '../../../src/core/huge_memory';
import { HPAGE_NR } from '../../../src/core/machine';
import { Sim } from '../../../src/core/sim';
import { runScenarioSet } from '../../../src/core';
import { wakeupKswapdHighOrder } from '../../../src/core/vmscan';
import { compile } from '../../../src/language';
import { GiB, machine, scenario } from './helpers';

/** One 1 GiB node filled with movable pages, then half of its used pages
 *  freed, every other page: at offset 1 of each pair (`hidden`, the pattern async compaction's
 *  strided free scanner never samples) or at offset 0. */
function fragmented(hidden: boolean, knobs: Record<string, number | string | boolean> = {}, version?: string, overrides: string[] = []): Sim {
  const sc = scenario(machine([GiB]), [], knobs);
  const sim = new Sim(version ? { ...sc, kernel: { version, overrides } } : sc);
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

  it('sync-light compaction misses an odd-offset pattern too (its stride doubles after an empty pageblock) and defers; it empties blocks where the pattern is visible', () => {
    const hidden = fragmented(true);
    assert.equal(tryToCompactPages(hidden, 0, 'full', 2, null).successes, 0);
    assert.equal(hidden.nodes[0].compactDeferShift, 1, 'a failed sync-light attempt defers');
    // Blind, the free scanner samples 16 pages a pageblock on its way down (COMPACT_CLUSTER_MAX).
    assert.ok(hidden.vmstat.counts.compact_free_scanned < hidden.nodes[0].pb.nr * 20, `${hidden.vmstat.counts.compact_free_scanned}`);
    const sim = fragmented(false);
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

describe('core/compaction: kcompactd and proactive compaction', () => {
  const S = 1e9;

  it('scores a node by the share of its free memory outside free 2 MiB blocks; the marks follow vm.compaction_proactiveness', () => {
    const sim = fragmented(false);
    const node = sim.nodes[0];
    assert.ok(fragmentationScoreNode(node) >= 98, `every free page scattered: ${fragmentationScoreNode(node)}`);
    node.freeBlocks = Math.floor((node.free * 0.5) / HPAGE_NR);
    const half = fragmentationScoreNode(node);
    assert.ok(half >= 48 && half <= 51, `half of it in blocks: ${half}`);
    assert.deepEqual([fragmentationScoreWmark(sim, true), fragmentationScoreWmark(sim, false)], [80, 90]);
    const eager = fragmented(false, { 'vm.compaction_proactiveness': 100 });
    assert.deepEqual([fragmentationScoreWmark(eager, true), fragmentationScoreWmark(eager, false)], [5, 15], 'the low mark is at least 5');
  });

  it('a proactive run compacts a node above the high mark down to the low mark; 6.1 counts it as compaction, not as kcompactd work', () => {
    const sim = fragmented(false);
    kcompactdRun(sim, 0);
    const score = fragmentationScoreNode(sim.nodes[0]);
    assert.ok(score <= 80 && score >= 76, `down to the low mark: ${score}`);
    const c = sim.vmstat.counts;
    assert.ok(c.compact_migrate_scanned > 0 && c.pgmigrate_success > 0);
    assert.deepEqual([c.compact_daemon_wake, c.compact_daemon_migrate_scanned, c.compact_stall], [0, 0, 0]);
    // From 6.3 (1bfb7684db12) the same run counts in compact_daemon_*_scanned too.
    const later = fragmented(false, {}, '6.3');
    kcompactdRun(later, 0);
    assert.equal(later.vmstat.counts.compact_daemon_migrate_scanned, later.vmstat.counts.compact_migrate_scanned);
  });

  it('a run that leaves the score where it was waits 32 s for the next; a wakeup for an order resets the timeout', () => {
    const sim = fragmented(true);
    kcompactdRun(sim, 0);
    const score = fragmentationScoreNode(sim.nodes[0]);
    assert.ok(score > 90, `the hidden pattern: nothing made, ${score}`);
    const scanned = sim.vmstat.counts.compact_free_scanned;
    assert.ok(scanned > 0);
    for (const t of [0.5, 1, 10, 31.5]) {
      sim.nowNs = t * S;
      kcompactdRun(sim, 0);
    }
    assert.equal(sim.vmstat.counts.compact_free_scanned, scanned, 'deferred: no run before 32 s');
    sim.nowNs = 32 * S;
    kcompactdRun(sim, 0);
    assert.ok(sim.vmstat.counts.compact_free_scanned > scanned, 'runs again at 32 s');
    // A wakeup (here for order 9) is served at once, and the timeout is 500 ms again.
    const after = sim.vmstat.counts.compact_free_scanned;
    sim.nowNs = 33 * S;
    wakeupKcompactd(sim, 0, 9);
    kcompactdRun(sim, 0);
    assert.equal(sim.vmstat.counts.compact_daemon_wake, 1);
    const woken = sim.vmstat.counts.compact_free_scanned;
    assert.ok(woken >= after);
    sim.nowNs = 33.5 * S;
    kcompactdRun(sim, 0);
    assert.ok(sim.vmstat.counts.compact_free_scanned > woken, 'a proactive run 500 ms after the wakeup');
  });

  it('no proactive run while kswapd runs on the node, with proactiveness 0 or before 5.9; no kcompactd at all before 4.6', () => {
    const busy = fragmented(false);
    busy.nodes[0].kswapd.awake = true;
    kcompactdRun(busy, 0);
    assert.equal(busy.vmstat.counts.compact_migrate_scanned, 0, 'kswapd_is_running');
    for (const sim of [fragmented(false, { 'vm.compaction_proactiveness': 0 }), fragmented(false, {}, '5.8')]) {
      kcompactdRun(sim, 0);
      assert.equal(sim.vmstat.counts.compact_migrate_scanned, 0);
      // kcompactd still compacts for an order it is woken for.
      wakeupKcompactd(sim, 0, 9);
      kcompactdRun(sim, 0);
      assert.equal(sim.vmstat.counts.compact_daemon_wake, 1);
      assert.equal(sim.nodes[0].freeBlocks, 1, 'one block for the order');
    }
    // Set explicitly on 5.8 (the checker's backport override), proactive compaction runs.
    const backport = fragmented(false, {}, '5.8', ['vm.compaction_proactiveness (backported: needs 5.9)']);
    kcompactdRun(backport, 0);
    assert.ok(backport.vmstat.counts.compact_migrate_scanned > 0, 'backported');
    const old = fragmented(false, {}, '4.5');
    wakeupKcompactd(old, 0, 9);
    kcompactdRun(old, 0);
    assert.equal(old.vmstat.counts.compact_daemon_wake, 0);
  });

  it('a THP allocation without direct reclaim wakes kswapd at order 9 on a node balanced at order 0, and kcompactd once the node is hopeless', () => {
    const sim = fragmented(false, { 'vm.compaction_proactiveness': 0 });
    const k = sim.nodes[0].kswapd;
    assert.ok(sim.nodes[0].balanced('high'), 'balanced at order 0');
    wakeupKswapdHighOrder(sim, 0, 9, false, 'THP fault');
    assert.ok(k.awake);
    assert.equal(k.passLeft, 2 * HPAGE_NR, 'compact_gap(9)');
    assert.equal(sim.nodes[0].pb.kcompactdOrder, 0);
    k.awake = false;
    k.failures = 16;
    wakeupKswapdHighOrder(sim, 0, 9, false, 'THP fault');
    assert.ok(!k.awake, 'hopeless: kswapd stays asleep');
    assert.equal(sim.nodes[0].pb.kcompactdOrder, 9);
    kcompactdRun(sim, 0);
    assert.equal(sim.vmstat.counts.compact_daemon_wake, 1);
    // A fault that may reclaim leaves a hopeless node to its own direct reclaim.
    const direct = fragmented(false);
    direct.nodes[0].kswapd.failures = 16;
    wakeupKswapdHighOrder(direct, 0, 9, true, 'THP fault');
    assert.equal(direct.nodes[0].pb.kcompactdOrder, 0);
  });
});
