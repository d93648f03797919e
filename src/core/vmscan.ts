// Page reclaim: mm/vmscan.c. shrink_node() over the LRUs of one node (coldest pages first, file
// versus anon by get_scan_count() and swappiness), demotion to the next tier instead of swap
// (demote_folio_list), swap-out, the deferred-split shrinker run by shrink_slab(), kswapd
// (wakeup_kswapd, balance_pgdat to the high or promo watermark) and direct reclaim
// (try_to_free_pages).

import { kswapdSleeps } from './compaction';
import { HPAGE_NR, SWAP_CLUSTER_MAX, Wmark } from './machine';
import type { Region, Slice } from './memory';
import type { CgroupState, Sim, WorkloadState } from './sim';

export type Reclaimer = 'kswapd' | 'direct' | 'node' | 'memcg';

export interface ScanControl {
  who: Reclaimer;
  /** may_unmap: reclaim mapped (anon) pages. */
  mayUnmap: boolean;
  /** may_writepage: write back dirty page cache. */
  mayWrite: boolean;
  /** may_swap: swap or demote anon pages. */
  maySwap: boolean;
  /** Reclaim only this cgroup's pages (memory.max/high reclaim). */
  memcg: CgroupState | null;
  /** Only unmapped page cache (node reclaim without RECLAIM_UNMAP). */
  fileOnly: boolean;
  cause: string;
  workload?: WorkloadState;
}

export interface ReclaimResult {
  reclaimed: number;
  timeNs: number;
}

/** A page touched more recently than this is referenced when the LRU reaches it: it is rotated
 *  back (second chance) rather than reclaimed, unless nothing colder is left. */
const REFERENCED_NS = 1e9;
/** DEF_PRIORITY: kswapd's first pass scans lru_size >> 12 pages. */
const DEF_PRIORITY = 12;
/** Share of LRU-reclaimed pages that come back as whole free 2 MiB blocks: the LRU tail holds
 *  pages allocated together, so reclaim frees runs of neighbours, but not every block empties. */
const RECLAIM_CONTIGUITY = 0.5;

interface Candidate {
  region: Region;
  slice: Slice;
  cold: number;
  pages: number;
}

function isDemotionOn(sim: Sim, n: number): boolean {
  return sim.scenario.knobs['numa.demotion_enabled'] === true && sim.nodes[n].demotionTargets.length > 0;
}

/** shrink_slab() for the deferred split queue (deferred_split_scan): splits every queued THP on
 *  the node (of the cgroup, for memcg reclaim) and frees its unmapped subpages. */
export function deferredSplitScan(sim: Sim, n: number, memcg: CgroupState | null, cause = 'deferred split shrinker under reclaim'): number {
  let freed = 0;
  let split = 0;
  for (const r of sim.regions) {
    if (r.kind !== 'anon' || (memcg && r.cgroup !== memcg.spec.name)) continue;
    for (const s of r.slices) {
      if (s.deferred[n] === 0) continue;
      const thps = s.deferred[n] / HPAGE_NR;
      freed += sim.splitDeferred(r, s, n, thps);
      split += thps;
    }
  }
  if (split > 0) {
    sim.vmstat.add('slabs_scanned', split);
    sim.events.record(sim.nowNs, 'thp_split', sim.nodes[n].id, split * HPAGE_NR, cause);
  }
  return freed;
}

/** echo MODE > /proc/sys/vm/drop_caches: bit 1 invalidates every clean page-cache page
 *  (drop_pagecache_sb; ours is never mapped), bit 2 runs every shrinker until it frees little
 *  (drop_slab), which empties the deferred split queue of every node and memcg. */
export function dropCaches(sim: Sim, mode: number): void {
  if (mode & 1) {
    for (const r of sim.regions) {
      if (r.kind !== 'file' || !r.alive) continue;
      for (const s of r.slices) {
        for (let n = 0; n < sim.nodes.length; n++) {
          const dirty = Math.min(s.base[n], Math.round((s.dirty * s.base[n]) / Math.max(1, s.mappedTotal())));
          sim.freeBase(r, s, n, s.base[n] - dirty, 1, true);
        }
      }
    }
  }
  if (mode & 2) for (let n = 0; n < sim.nodes.length; n++) deferredSplitScan(sim, n, null, 'drop_caches (drop_slab)');
}

/** Unmapped deferred pages on a node, that the shrinker would free. */
function deferredFreeable(sim: Sim, n: number, memcg: CgroupState | null): number {
  let t = 0;
  for (const r of sim.regions) {
    if (r.kind !== 'anon' || (memcg && r.cgroup !== memcg.spec.name)) continue;
    for (const s of r.slices) t += s.deferred[n] - s.deferredMapped[n];
  }
  return t;
}

function gather(sim: Sim, n: number, kind: 'anon' | 'file', sc: ScanControl, respectLow: boolean): Candidate[] {
  const out: Candidate[] = [];
  for (const r of sim.regions) {
    if (r.kind !== kind) continue;
    if (sc.memcg && r.cgroup !== sc.memcg.spec.name) continue;
    if (respectLow && !sc.memcg) {
      const cg = sim.cgroupOf(r);
      // memory.low: global reclaim leaves a cgroup alone while it is under its protection.
      if (cg && cg.spec.low !== null && cg.charged * 4096 <= cg.spec.low) continue;
    }
    for (const s of r.slices) {
      let pages = s.base[n] + (kind === 'anon' ? s.huge[n] : 0);
      if (kind === 'file' && !sc.mayWrite) pages -= Math.min(pages, Math.round((s.dirty * s.base[n]) / Math.max(1, s.mappedTotal())));
      if (pages > 0) out.push({ region: r, slice: s, cold: s.coldness(sim.nowNs), pages });
    }
  }
  // Coldest first; ties by region then slice so the order is stable.
  out.sort((a, b) => b.cold - a.cold || a.region.id - b.region.id || a.slice.index - b.slice.index);
  return out;
}

/** Migrates `k` pages of a slice to the first demotion target with room (alloc_demote_page:
 *  GFP_NOWAIT on the target, above its min watermark, waking its kswapd). Returns pages moved. */
function demote(sim: Sim, region: Region, s: Slice, n: number, k: number, sc: ScanControl): number {
  for (const t of sim.nodes[n].demotionTargets) {
    const tn = sim.nodes[t];
    const mappedBefore = s.mapped(n);
    const moved = sim.migrateSlice(s, n, t, k, 'min', RECLAIM_CONTIGUITY);
    if (tn.availableAbove('low') <= 0) wakeupKswapd(sim, t, 'demotion target below low watermark');
    if (moved > 0) {
      // The slice's pages are alike to reclaim: promoted ones go in their share of the slice (not
      // first, which counted more ping-pong the larger the slice).
      const pp = Math.min(moved, s.promoted[n], Math.round((moved * s.promoted[n]) / Math.max(1, mappedBefore)));
      s.promoted[n] -= pp;
      sim.vmstat.add('numa_promotion_pingpong', pp);
      s.demoted[t] += moved;
      sim.vmstat.add(sc.who === 'kswapd' ? 'pgdemote_kswapd' : 'pgdemote_direct', moved);
      sim.vmstat.add('pgmigrate_success', moved);
      sim.events.record(sim.nowNs, 'demotion', sim.nodes[n].id, moved, `${sc.who} reclaim: ${sc.cause}`, sc.workload?.name);
      return moved;
    }
  }
  return 0;
}

/**
 * shrink_node(): reclaims up to `nrToReclaim` pages from node n. Returns pages freed on n and
 * the time it took (the reclaimer's time: kswapd's budget or the stalled task's).
 */
export function shrinkNode(sim: Sim, n: number, nrToReclaim: number, sc: ScanControl): ReclaimResult {
  const c = sim.costs;
  let reclaimed = 0;
  let timeNs = 0;
  let scanned = 0;
  let slabFreed = 0;

  // shrink_slab: the deferred split queue goes first; freeing it needs no LRU scanning. Before
  // 5.4 (87eaceb3faa5) the shrinker was not memcg aware: cgroup reclaim could not reach it.
  if (!sc.fileOnly && (!sc.memcg || sim.kernel.memcgDeferredSplit)) {
    const freeable = deferredFreeable(sim, n, sc.memcg);
    if (freeable > 0) {
      const freed = deferredSplitScan(sim, n, sc.memcg);
      reclaimed += freed;
      slabFreed = freed;
      timeNs += (freed / (HPAGE_NR / 2)) * c.splitThp;
    }
  }
  if (reclaimed >= nrToReclaim) return { reclaimed, timeNs };

  const demotion = isDemotionOn(sim, n);
  const swapFree = sim.swapTotalPages - sim.swapUsedPages;
  const anonOk = !sc.fileOnly && sc.mayUnmap && sc.maySwap && (demotion || swapFree > 0);
  const swappiness = sim.knob('vm.swappiness');
  const swapNsPerPage = sim.scenario.machine.swap ? (4096 / sim.scenario.machine.swap.bandwidthBytesPerSec) * 1e9 : 0;

  // Takes `target` pages from the candidates, coldest first: a referenced page costs two scans
  // (rotated once, taken on the next pass); with demotion on, pages go to the next tier first
  // and `dispose(cand, k, demoted)` frees what did not fit there.
  const takeColdest = (cands: Candidate[], target: number, dispose: (cand: Candidate, k: number, demoted: number) => void): void => {
    let left = target;
    for (const cand of cands) {
      if (left <= 0) break;
      const k = Math.min(left, cand.pages);
      scanned += cand.cold < REFERENCED_NS ? 2 * k : k;
      dispose(cand, k, demotion ? demote(sim, cand.region, cand.slice, n, k, sc) : 0);
      left -= k;
    }
  };
  const creditDemoted = (pages: number): void => {
    timeNs += pages * c.demotePage;
    reclaimed += pages;
  };

  for (const respectLow of [true, false]) {
    const files = gather(sim, n, 'file', sc, respectLow);
    const anons = anonOk ? gather(sim, n, 'anon', sc, respectLow) : [];
    const need = nrToReclaim - reclaimed;
    if (need <= 0) break;
    const coldFile = files.reduce((t, x) => t + (x.cold >= REFERENCED_NS ? x.pages : 0), 0);
    const fileTotal = files.reduce((t, x) => t + x.pages, 0);
    const anonTotal = anons.reduce((t, x) => t + x.pages, 0);
    // get_scan_count(): plenty of cold page cache means file only (cache_trim_mode); otherwise
    // split by swappiness weighted by list sizes.
    // An inactive file list still large at this priority (inactive_file >> DEF_PRIORITY) also
    // means file only: this call takes the cold page cache and leaves anon alone.
    let fileTarget: number;
    let cacheTrim = false;
    if (anonTotal === 0 || coldFile >= need) fileTarget = need;
    else if (coldFile >> DEF_PRIORITY > 0) {
      fileTarget = coldFile;
      cacheTrim = true;
    } else if (fileTotal === 0) fileTarget = 0;
    else {
      const a = swappiness * anonTotal;
      const f = (200 - swappiness) * fileTotal;
      fileTarget = Math.round((need * f) / Math.max(1, a + f));
    }
    let anonTarget = cacheTrim ? 0 : need - Math.min(fileTarget, fileTotal);
    if (!cacheTrim) fileTarget = need - Math.min(anonTarget, anonTotal);
    anonTarget = Math.min(anonTarget, anonTotal);

    // File pages: dropped (clean) or written and dropped; demoted first when demotion is on.
    takeColdest(files, fileTarget, (cand, k, demoted) => {
      const s = cand.slice;
      if (demoted < k) {
        const drop = k - demoted;
        const dirtyShare = Math.min(s.dirty, Math.round((s.dirty * drop) / Math.max(1, s.mappedTotal())));
        s.dirty -= dirtyShare;
        sim.freeBase(cand.region, s, n, drop, RECLAIM_CONTIGUITY, true);
        timeNs += drop * c.reclaimPage + dirtyShare * swapNsPerPage;
        reclaimed += drop;
      }
      creditDemoted(demoted);
    });
    // Anon pages: demoted, or swapped out (THPs are split first: no THP swap here).
    takeColdest(anons, anonTarget, (cand, k, demoted) => {
      const s = cand.slice;
      creditDemoted(demoted);
      const rest = Math.min(k - demoted, sim.swapTotalPages - sim.swapUsedPages);
      if (rest > 0) {
        if (s.base[n] < rest) sim.splitHuge(s, n, Math.ceil((rest - s.base[n]) / HPAGE_NR) * HPAGE_NR, `${sc.who} reclaim: split before swap-out (no THP swap)`);
        const out = Math.min(rest, s.base[n]);
        sim.freeBase(cand.region, s, n, out, RECLAIM_CONTIGUITY, true);
        // The page stays charged to nothing in memory.current (swap is accounted apart).
        s.swapped += out;
        sim.swapUsedPages += out;
        sim.vmstat.add('pswpout', out);
        timeNs += out * (c.reclaimPage + swapNsPerPage);
        reclaimed += out;
        sim.events.record(sim.nowNs, 'swap_out', sim.nodes[n].id, out, `${sc.who} reclaim: ${sc.cause}`, sc.workload?.name);
      }
    });
    if (reclaimed >= nrToReclaim || (files.length + anons.length) === 0) {
      if (reclaimed > 0 || !respectLow) break;
    }
  }
  // Pages the shrinker freed were never on the scanned LRU lists.
  const lruFreed = reclaimed - slabFreed;
  if (sc.who === 'kswapd') {
    sim.vmstat.add('pgscan_kswapd', scanned);
    sim.vmstat.add('pgsteal_kswapd', lruFreed);
  } else {
    sim.vmstat.add('pgscan_direct', scanned);
    sim.vmstat.add('pgsteal_direct', lruFreed);
  }
  return { reclaimed, timeNs };
}

/** Pages on node n that an LRU pass would reclaim on sight: page cache and (when anon may go to
 *  swap or a lower tier) anon pages not referenced since the LRU last looked at them. A
 *  referenced page is rotated or activated instead (page_check_references), so a node full of
 *  a busy workload's memory gives a direct reclaimer only what the lowered priorities force. */
export function unreferencedReclaimable(sim: Sim, n: number): number {
  const anonOk = isDemotionOn(sim, n) || sim.swapTotalPages > sim.swapUsedPages;
  let t = 0;
  for (const r of sim.regions) {
    if (r.kind === 'anon' && !anonOk) continue;
    for (const s of r.slices) {
      if (s.coldness(sim.nowNs) < REFERENCED_NS) continue;
      t += s.base[n] + (r.kind === 'anon' ? s.huge[n] : 0);
    }
  }
  return t;
}

/** Time of one DEF_PRIORITY pass of direct reclaim over node n's LRU (lru_size >> 12 pages):
 *  what a reclaimer pays to find that the pages it looks at are all in use. */
export function lruPassNs(sim: Sim, n: number): { pages: number; ns: number } {
  const node = sim.nodes[n];
  const pages = (node.totalPages - node.free - node.kernelPages) >> DEF_PRIORITY;
  return { pages, ns: pages * sim.costs.reclaimPage };
}

// --- kswapd -------------------------------------------------------------------------------------

/** The mark pgdat_balanced() checks: WMARK_PROMO in tiering mode (numa_balancing bit 2) since
 *  5.18 (model.wmark_promo), so kswapd leaves a gap above high for promotions; high otherwise. */
export function kswapdMark(sim: Sim): 'high' | 'promo' {
  const tiering = (sim.knob('kernel.numa_balancing') & 2) !== 0;
  return tiering && sim.scenario.knobs['model.wmark_promo'] === true ? 'promo' : 'high';
}

/** wakeup_kswapd(): starts kswapd on node n unless it runs already or the node is balanced at
 *  kswapd's mark (a failed promotion on a node just above high wakes nobody without
 *  WMARK_PROMO; with it, kswapd is woken until the free pages reach promo). */
export function wakeupKswapd(sim: Sim, n: number, cause: string): void {
  const k = sim.nodes[n].kswapd;
  k.target = kswapdMark(sim);
  if (k.awake) return;
  const node = sim.nodes[n];
  // A boosted node is woken although balanced: the boost itself is what kswapd reclaims.
  if (node.balanced(k.target) && !node.boosted()) return;
  k.awake = true;
  // balance_pgdat() starts with nr_boost_reclaim = the zones' boosts (zone_boosts[]).
  k.boostSnapshot = node.zones.map((z) => z.boost);
  k.boostReclaim = k.boostSnapshot.reduce((a, b) => a + b, 0);
  k.wokeAtNs = sim.nowNs;
  k.reclaimedThisRun = 0;
  k.cause = cause;
  sim.vmstat.add('pageoutrun', 1);
  sim.vmstat.add('kswapd_wakeups', 1);
  sim.events.record(sim.nowNs, 'kswapd_wake', sim.nodes[n].id, 0, cause);
}

function kswapdSleep(sim: Sim, n: number): void {
  const node = sim.nodes[n];
  const k = node.kswapd;
  k.awake = false;
  // The run's boosts are taken back, reclaimed or not (boosts raised since then stay).
  node.zones.forEach((z, i) => { z.boost -= Math.min(z.boost, k.boostSnapshot[i] ?? 0); });
  k.boostSnapshot = [];
  k.boostReclaim = 0;
  kswapdSleeps(sim, n);
  sim.events.record(sim.nowNs, 'kswapd_sleep', sim.nodes[n].id, k.reclaimedThisRun, k.cause, undefined, sim.nowNs - k.wokeAtNs);
}

/** balance_pgdat(): kswapd reclaims node n toward its target watermark with the time it has left
 *  in this step, then sleeps once the node is balanced or nothing can be reclaimed. */
export function kswapdRun(sim: Sim, n: number, sliceNs = Infinity): void {
  const node = sim.nodes[n];
  const k = node.kswapd;
  if (!k.awake) return;
  // Spend at most `sliceNs` of the step's budget now; the rest stays for later in the step.
  const keep = Math.max(0, k.budgetNs - sliceNs);
  k.budgetNs -= keep;
  try {
    balance(sim, n);
  } finally {
    k.budgetNs += keep;
  }
}

function balance(sim: Sim, n: number): void {
  const node = sim.nodes[n];
  const k = node.kswapd;
  const sc: ScanControl = { who: 'kswapd', mayUnmap: true, mayWrite: true, maySwap: true, memcg: null, fileOnly: false, cause: k.cause };
  // Boosted reclaim (nr_boost_reclaim) neither swaps nor writes back: it only takes clean
  // page cache, and gives up once a pass frees nothing.
  const boostSc: ScanControl = { ...sc, mayWrite: false, maySwap: false };
  let guard = 0;
  while (k.budgetNs > 0 && guard++ < 64) {
    // A node not balanced even at the boosted marks restarts as an ordinary pass.
    if (k.boostReclaim > 0 && !node.balanced(k.target)) k.boostReclaim = 0;
    if (k.boostReclaim > 0) {
      const byBudget = Math.max(SWAP_CLUSTER_MAX, Math.floor(k.budgetNs / Math.max(1, sim.costs.reclaimPage)));
      const r = shrinkNode(sim, n, Math.min(k.boostReclaim, byBudget), boostSc);
      k.budgetNs -= Math.max(r.timeNs, 1);
      k.reclaimedThisRun += r.reclaimed;
      k.boostReclaim -= Math.min(k.boostReclaim, r.reclaimed);
      if (r.reclaimed === 0) {
        if (k.reclaimedThisRun === 0) k.failures++;
        kswapdSleep(sim, n);
        return;
      }
      if (k.boostReclaim <= 0 && node.deficit(k.target) <= 0) {
        kswapdSleep(sim, n);
        return;
      }
      continue;
    }
    const deficit = node.deficit(k.target);
    if (deficit <= 0 && k.passLeft <= 0) {
      kswapdSleep(sim, n);
      return;
    }
    // balance_pgdat() checks pgdat_balanced() after every shrink_node() pass, and a pass at a
    // high priority scans only lru_size >> priority: kswapd stops a batch past its mark rather
    // than far beyond it.
    if (k.passLeft <= 0) k.passLeft = Math.ceil(deficit / SWAP_CLUSTER_MAX) * SWAP_CLUSTER_MAX;
    const byBudget = Math.max(SWAP_CLUSTER_MAX, Math.floor(k.budgetNs / Math.max(1, sim.costs.reclaimPage)));
    const chunk = Math.min(k.passLeft, byBudget);
    const r = shrinkNode(sim, n, chunk, sc);
    k.budgetNs -= Math.max(r.timeNs, 1);
    k.reclaimedThisRun += r.reclaimed;
    k.passLeft -= Math.max(r.reclaimed, 1);
    if (r.reclaimed === 0) {
      k.passLeft = 0;
      k.failures++;
      kswapdSleep(sim, n);
      return;
    }
    k.failures = 0;
  }
}

/**
 * kswapd cycles that run on their own CPU while a task takes a stream of promotion hint faults
 * lasting `streamNs`. Each failed promotion wakes kswapd (numamigrate_isolate_page); each cycle
 * reclaims from high up to kswapd's mark and sleeps, so one cycle makes room for
 * (mark - high) pages plus the SWAP_CLUSTER_MAX batch it rounds to, and costs at least one
 * DEF_PRIORITY pass over the LRU (lru_size >> 12 pages scanned) plus the demotions. Without
 * WMARK_PROMO a cycle frees a batch; with it, a whole watermark gap. The cycles are reclaimed as
 * one shrink_node() call so the cost follows the number of fault batches, not of cycles.
 * Returns pages freed on node n.
 */
export function kswapdCyclesForPromotion(sim: Sim, n: number, want: number, streamNs: number): number {
  const node = sim.nodes[n];
  const k = node.kswapd;
  if (!k.awake || k.budgetNs <= 0 || want <= 0) return 0;
  const perCycle = Math.max(0, node.level(k.target) - node.level('high')) + SWAP_CLUSTER_MAX;
  const lru = node.totalPages - node.free - node.kernelPages;
  const demotion = isDemotionOn(sim, n);
  const perPage = demotion ? sim.costs.demotePage : sim.costs.reclaimPage;
  const cycleNs = (lru >> DEF_PRIORITY) * sim.costs.reclaimPage + perCycle * perPage;
  // The fault stream may outlast the step: kswapd runs along and its budget goes into debt,
  // paid back over the next steps.
  const cycles = Math.max(1, Math.floor(streamNs / Math.max(1, cycleNs)));
  const target = Math.min(want, cycles * perCycle) + Math.max(0, node.deficit(k.target));
  const sc: ScanControl = { who: 'kswapd', mayUnmap: true, mayWrite: true, maySwap: true, memcg: null, fileOnly: false, cause: k.cause };
  const r = shrinkNode(sim, n, target, sc);
  k.budgetNs -= Math.max(r.timeNs, 1) + (cycles - 1) * (lru >> DEF_PRIORITY) * sim.costs.reclaimPage;
  k.reclaimedThisRun += r.reclaimed;
  if (cycles > 1) {
    sim.vmstat.add('pageoutrun', cycles - 1);
    sim.vmstat.add('kswapd_wakeups', cycles - 1);
  }
  return r.reclaimed;
}

/** try_to_free_pages(): direct reclaim by the allocating task over its zonelist. */
export function tryToFreePages(sim: Sim, zonelist: number[], need: number, wl: WorkloadState | null, cause: string): number {
  const sc: ScanControl = { who: 'direct', mayUnmap: true, mayWrite: true, maySwap: true, memcg: null, fileOnly: false, cause, workload: wl ?? undefined };
  let got = 0;
  let timeNs = 0;
  for (const n of zonelist) {
    if (got >= need) break;
    const r = shrinkNode(sim, n, need - got, sc);
    got += r.reclaimed;
    timeNs += r.timeNs;
    if (r.reclaimed > 0) sim.events.record(sim.nowNs, 'direct_reclaim', sim.nodes[n].id, r.reclaimed, cause, wl?.name, r.timeNs);
  }
  sim.vmstat.add('allocstall', Math.max(1, Math.ceil(got / (SWAP_CLUSTER_MAX * 2))));
  wl?.stall('reclaim', timeNs);
  return got;
}
