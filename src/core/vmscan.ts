// Page reclaim: mm/vmscan.c. shrink_node() over the active and inactive lists of one node
// (src/core/lru.ts): the second chance of folio_check_references(), activation, deactivation by
// shrink_active_list() while inactive_is_low(), anon versus file by get_scan_count() (swappiness
// and the cost of each type), demotion to the next tier instead of swap (demote_folio_list),
// swap-out with workingset shadow entries, the deferred split shrinker run by shrink_slab() after
// the lists with do_shrink_slab()'s priority scaling, kswapd (wakeup_kswapd, balance_pgdat to
// the high or promo watermark) and direct reclaim (try_to_free_pages).

import { kswapdSleeps, wakeupKcompactd } from './compaction';
import { activeToHead, type Cohort, type LruQueue, type LruSegment, evict, folioLooks, inactiveIsLow, lruPages, type NodeLru, noteCost, pushInactive, sround, syncInactive, takeFromCohort, youngChance, youngShare } from './lru';
import { busyThreads } from './kswapd_cpu';
import { DEF_PRIORITY, HPAGE_NR, PAGE_SIZE, SWAP_CLUSTER_MAX, wmarkPages } from './machine';
import type { Region, Slice } from './memory';
import type { CgroupState, Sim, WorkloadState } from './sim';
import { completeSwapWrites, freeWrittenPages, nextSwapWriteDone, submitSwapWrite, swapQueueWaitNs, swapWritesDoneBy, WRITEBACK_THROTTLE_NS } from './swap_io';

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
  /** The reclaimer starts no earlier than this (a task that waited for writeback), ns. */
  atNs?: number;
}

export interface ReclaimResult {
  reclaimed: number;
  timeNs: number;
  /** Pages the reclaim looked at on the LRU lists (sc->nr_scanned). */
  scanned: number;
}

/** Share of LRU-reclaimed pages that come back as whole free 2 MiB blocks: the LRU tail holds
 *  pages allocated together, so reclaim frees runs of neighbours, but not every block empties. */
const RECLAIM_CONTIGUITY = 0.5;
/** do_shrink_slab()'s batch when a shrinker sets none (SHRINK_BATCH). */
const SHRINK_BATCH = 128;
/** deferred_split_shrinker.seeks (DEFAULT_SEEKS). */
const DEFERRED_SPLIT_SEEKS = 2;

/** The LRU lists in the kernel's order (enum lru_list). */
const INACTIVE_ANON = 0, ACTIVE_ANON = 1, INACTIVE_FILE = 2, ACTIVE_FILE = 3;

function isDemotionOn(sim: Sim, n: number): boolean {
  return sim.scenario.knobs['numa.demotion_enabled'] === true && sim.nodes[n].demotionTargets.length > 0;
}

// --- the deferred split shrinker ------------------------------------------------------------

/** The deferred split queue a region's THPs wait on: per memcg since 5.4 (87eaceb3faa5), one
 *  per node before. '' is the root memcg's (or the node's). */
function queueOf(sim: Sim, r: Region): string {
  return sim.kernel.memcgDeferredSplit ? r.cgroup ?? '' : '';
}

/** THPs queued on node n for the queue `key` (deferred_split_count()). */
function queuedThps(sim: Sim, n: number, key: string | null): number {
  let t = 0;
  for (const r of sim.regions) {
    if (r.kind !== 'anon' || (key !== null && queueOf(sim, r) !== key)) continue;
    for (const s of r.slices) t += s.deferred[n];
  }
  return t / HPAGE_NR;
}

/** deferred_split_scan(): splits up to `max` THPs of the queue `key` (all queues when null) on
 *  node n, oldest first, and frees their unmapped subpages. Returns THPs split and pages freed. */
function splitQueued(sim: Sim, n: number, key: string | null, max: number, cause: string): { split: number; freed: number } {
  let freed = 0;
  let split = 0;
  for (const r of sim.regions) {
    if (split >= max) break;
    if (r.kind !== 'anon' || (key !== null && queueOf(sim, r) !== key)) continue;
    for (const s of r.slices) {
      if (s.deferred[n] === 0) continue;
      const thps = Math.min(s.deferred[n] / HPAGE_NR, max - split);
      if (thps <= 0) break;
      freed += sim.splitDeferred(r, s, n, thps);
      split += thps;
    }
  }
  if (split > 0) sim.events.record(sim.nowNs, 'thp_split', sim.nodes[n].id, split * HPAGE_NR, cause);
  return { split, freed };
}

/** shrink_slab() for the deferred split queue as drop_slab() runs it: every queued THP on the
 *  node (of the cgroup, for memcg reclaim) is split. */
export function deferredSplitScan(sim: Sim, n: number, memcg: CgroupState | null, cause = 'deferred split shrinker under reclaim'): number {
  const key = memcg ? (sim.kernel.memcgDeferredSplit ? memcg.spec.name : null) : null;
  if (memcg && key === null) return 0;
  const { split, freed } = splitQueued(sim, n, key, Infinity, cause);
  sim.vmstat.add('slabs_scanned', split);
  return freed;
}

/**
 * do_shrink_slab() of the deferred split shrinker for one memcg's queue on node n at reclaim
 * `priority`: it scans (queue >> priority) * 4 / seeks THPs plus the work earlier calls
 * deferred (nr_deferred >> priority), at most twice the queue, in batches of SHRINK_BATCH, and
 * defers what it did not scan. At DEF_PRIORITY a queue under 2048 THPs is left alone: the queue
 * drains when the LRU fails to give enough and the priority drops.
 */
function shrinkDeferredSplit(sim: Sim, n: number, key: string, priority: number): { freed: number; split: number } {
  const freeable = queuedThps(sim, n, key);
  if (freeable <= 0) return { freed: 0, split: 0 };
  const L = sim.lru[n];
  const nr = L.shrinkerDeferred.get(key) ?? 0;
  const delta = Math.floor((Math.floor(freeable) >> priority) * 4 / DEFERRED_SPLIT_SEEKS);
  let total = Math.min(Math.floor(nr / 2 ** priority) + delta, 2 * freeable);
  let scanned = 0, freed = 0, split = 0;
  while (total >= SHRINK_BATCH || (total >= freeable && total > 0)) {
    const k = Math.min(SHRINK_BATCH, total);
    const r = splitQueued(sim, n, key, k, 'deferred split shrinker under reclaim');
    sim.vmstat.add('slabs_scanned', k);
    total -= k;
    scanned += k;
    freed += r.freed;
    split += r.split;
    if (r.split === 0) break; // SHRINK_STOP: the queue is empty
  }
  L.shrinkerDeferred.set(key, Math.min(Math.max(0, nr + delta - scanned), 2 * freeable));
  return { freed, split };
}

/** shrink_slab() after the LRU of each memcg shrink_node_memcgs() visits: the target cgroup for
 *  memcg reclaim, every cgroup and the root for global reclaim. Before 5.4 the one queue of the
 *  node is not memcg aware: only global reclaim (the root) reaches it. */
function shrinkSlab(sim: Sim, n: number, sc: ScanControl, priority: number): { freed: number; timeNs: number } {
  let freed = 0, split = 0;
  const keys = sim.kernel.memcgDeferredSplit
    ? (sc.memcg ? [sc.memcg.spec.name] : [...sim.cgroups.keys(), ''])
    : (sc.memcg ? [] : ['']);
  for (const key of keys) {
    const r = shrinkDeferredSplit(sim, n, key, priority);
    freed += r.freed;
    split += r.split;
  }
  return { freed, timeNs: split * sim.costs.splitThp };
}

/** echo MODE > /proc/sys/vm/drop_caches: bit 1 invalidates every clean page-cache page
 *  (drop_pagecache_sb; ours is never mapped, and invalidation leaves no shadow entries), bit 2
 *  runs every shrinker until it frees little (drop_slab), which empties the deferred split queue
 *  of every node and memcg. */
export function dropCaches(sim: Sim, mode: number, cpu = -1): void {
  if (mode & 1) {
    for (const r of sim.regions) {
      if (r.kind !== 'file' || !r.alive) continue;
      for (const s of r.slices) {
        for (let n = 0; n < sim.nodes.length; n++) {
          const dirty = Math.min(s.base[n], Math.round((s.dirty * s.base[n]) / Math.max(1, s.mappedTotal())));
          sim.freeBase(r, s, n, s.base[n] - dirty, 1, false, cpu);
        }
      }
    }
  }
  if (mode & 2) for (let n = 0; n < sim.nodes.length; n++) deferredSplitScan(sim, n, null, 'drop_caches (drop_slab)');
}

// --- the LRU lists as one reclaim sees them -------------------------------------------------

/** Node n's four lists restricted to the pages this reclaim may take (its memcg, memory.low,
 *  dirty page cache without may_writepage), scanned from the tail. The order of each list is
 *  kept between reclaims (NodeLru.queues): laid out oldest first when a scan has gone through
 *  it, with the pages reclaim puts back at a head appended. A pass does not look again at pages
 *  it put back itself (get_scan_count() sizes a pass from the lists as they were); the next
 *  pass, at a lower priority, may. */
class ListView {
  readonly size = [0, 0, 0, 0];
  private readonly regions: Region[] = [];
  private readonly key: string;
  /** Per list: the end of the queue this reclaim may scan to, and whether it laid it out. */
  private readonly limit = [-1, -1, -1, -1];
  private readonly rebuilt = [false, false, false, false];
  /** The node's list counter when the pass began. */
  private startSeq: number;

  constructor(private sim: Sim, private n: number, private sc: ScanControl, private respectLow: boolean) {
    this.startSeq = sim.lru[n].seq;
    this.key = `${sc.memcg?.spec.name ?? ''}|${respectLow}`;
    for (const r of sim.regions) {
      if (!r.alive) continue;
      if (sc.memcg && r.cgroup !== sc.memcg.spec.name) continue;
      // memory.low: global reclaim leaves a cgroup alone while it is under its protection
      // (mem_cgroup_below_low), and scans one above it in proportion (below).
      const share = this.scanShare(r);
      if (share <= 0) continue;
      this.regions.push(r);
      const f = r.kind === 'file' ? INACTIVE_FILE : INACTIVE_ANON;
      for (const s of r.slices) {
        const m = lruPages(s, n);
        if (m <= 0) continue;
        const active = Math.min(m, s.active[n]);
        this.size[f] += (m - active - this.skipped(r, s)) * share;
        this.size[f + 1] += active * share;
      }
    }
  }

  /**
   * get_scan_count()'s memory.low scaling of a cgroup's lists under global reclaim:
   * lruvec_size - lruvec_size * protection / (cgroup_size + 1), with cgroup_size at least the
   * protection; 0 while the cgroup is under it. The protection is the effective low
   * (mem_cgroup_calculate_protection: a child of the root gets its memory.low as it is; the
   * language's cgroups are all children of the root, so effective_protection's sharing among
   * siblings and memory_recursiveprot do not arise). The memcg_low_reclaim retry uses memory.min
   * instead, which the language does not have: nothing is protected then.
   */
  private scanShare(r: Region): number {
    if (this.sc.memcg || !this.respectLow) return 1;
    const cg = this.sim.cgroupOf(r);
    if (!cg || cg.spec.low === null) return 1;
    const low = Math.floor(cg.spec.low / PAGE_SIZE);
    if (cg.charged <= low) return 0;
    return 1 - low / (cg.charged + 1);
  }

  /** Dirty page cache stays out of a reclaim that may not write it. */
  private skipped(r: Region, s: Slice): number {
    if (r.kind !== 'file' || this.sc.mayWrite) return 0;
    const m = lruPages(s, this.n);
    return Math.min(m - Math.min(m, s.active[this.n]), Math.round((s.dirty * s.base[this.n]) / Math.max(1, s.mappedTotal())));
  }

  private queue(l: number): LruQueue {
    const qs = this.sim.lru[this.n].queues;
    const k = `${l}|${this.key}`;
    let q = qs.get(k);
    if (!q) {
      q = { segs: [], cursor: 0 };
      qs.set(k, q);
    }
    if (this.limit[l] < 0) this.limit[l] = q.segs.length;
    return q;
  }

  /** Lays list l out again, oldest first; this reclaim may scan what was there before it began. */
  private rebuild(l: number, q: LruQueue): void {
    const { sim, n } = this;
    const file = l >= INACTIVE_FILE;
    const active = l === ACTIVE_ANON || l === ACTIVE_FILE;
    const segs: LruSegment[] = [];
    const seqs: number[] = [];
    for (const r of this.regions) {
      if ((r.kind === 'file') !== file) continue;
      for (const s of r.slices) {
        const m = lruPages(s, n);
        if (m <= 0) continue;
        if (active) {
          const a = Math.min(m, s.active[n]);
          if (a > 0) { segs.push({ region: r, slice: s, cohort: null, pages: a }); seqs.push(s.lru.activeSeq[n]); }
          continue;
        }
        for (const c of syncInactive(sim, s, n)) {
          segs.push({ region: r, slice: s, cohort: c, pages: c.pages });
          seqs.push(c.seq);
        }
      }
    }
    const order = segs.map((_, i) => i).sort((a, b) => seqs[a] - seqs[b] || a - b);
    q.segs = order.map((i) => segs[i]);
    q.cursor = 0;
    let lim = 0;
    while (lim < order.length && seqs[order[lim]] < this.startSeq) lim++;
    this.limit[l] = lim;
    this.rebuilt[l] = true;
  }

  /** A new pass at a lower priority: get_scan_count() sizes it from the lists as they are now,
   *  pages put back by the earlier passes included. */
  newPass(): void {
    this.startSeq = this.sim.lru[this.n].seq;
    const qs = this.sim.lru[this.n].queues;
    for (let l = 0; l < 4; l++) {
      if (this.limit[l] < 0) continue;
      this.limit[l] = qs.get(`${l}|${this.key}`)!.segs.length;
      this.rebuilt[l] = false;
    }
  }

  /** Pages of a segment still there to scan: a protected cgroup's share of them (scanShare), as
   *  its charge was when a scan first reached the segment, and what scans since left of it: how
   *  many passes the trip along the list takes does not change the share. */
  private available(seg: LruSegment, l: number): number {
    const unscaled = this.unscaled(seg, l);
    if (seg.quota === undefined) {
      const share = this.scanShare(seg.region);
      if (share >= 1) return unscaled;
      seg.quota = Math.floor(unscaled * share);
    }
    return Math.min(seg.quota, unscaled);
  }

  private unscaled(seg: LruSegment, l: number): number {
    const { n } = this;
    const s = seg.slice;
    // A region gone, or the slice split since it was queued (Region.splitAt replaces slices).
    if (!seg.region.alive || seg.region.slices[s.index] !== s) return 0;
    if (seg.cohort === null) return Math.min(seg.pages, s.active[n]);
    const c = seg.cohort;
    // A cohort merged away or emptied since: its pages are in another segment.
    if (c.pages <= 0 || !s.lru.inactive[n].includes(c)) return 0;
    // The whole cohort: pages that joined it since the segment was queued are at its place.
    let avail = c.pages;
    if (l === INACTIVE_FILE && !this.sc.mayWrite) {
      const inactive = Math.max(1, lruPages(s, n) - s.active[n]);
      avail = Math.floor(avail * (1 - this.skipped(seg.region, s) / inactive));
    }
    return avail;
  }

  /** Takes up to `k` pages from the tail of list l, segment by segment; `each` returns the
   *  pages it took. */
  take(l: number, k: number, each: (seg: LruSegment, t: number) => number, done: () => boolean = () => false): number {
    const q = this.queue(l);
    let left = k;
    for (;;) {
      if (left <= 0 || done()) break;
      if (q.cursor >= this.limit[l]) {
        if (this.rebuilt[l]) break;
        this.rebuild(l, q);
        continue;
      }
      const seg = q.segs[q.cursor];
      const avail = this.available(seg, l);
      const t = Math.min(left, avail);
      const got = t > 0 ? each(seg, t) : 0;
      seg.pages -= got;
      if (seg.quota !== undefined) seg.quota -= got;
      left -= got;
      this.size[l] -= got;
      // Past it when its pages are gone (a stale segment has none, or its slice has no inactive
      // pages left); a pass that stopped at its goal resumes here.
      if (got === 0 || avail <= got || (seg.cohort === null && seg.pages <= 0)) q.cursor++;
    }
    // Drop what every later scan has passed.
    if (q.cursor > 1024 && q.cursor * 2 > q.segs.length) {
      q.segs.splice(0, q.cursor);
      this.limit[l] -= q.cursor;
      q.cursor = 0;
    }
    return k - left;
  }

  /** Puts `k` pages of a slice at the head of list l. */
  putHead(l: number, region: Region, slice: Slice, cohort: Cohort | null, k: number): void {
    if (k <= 0) return;
    this.queue(l).segs.push({ region, slice, cohort, pages: k });
    this.size[l] += k;
  }
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

/** Pages migrated per second with the TLB flush batched (6.3) over one flush per page before:
 *  1 + 291.7%, Huang Ying's migratepages of a running pmbench on a 2-socket Intel server
 *  (7e12beb8ca2a, docs/model.md). Unbatched, a page costs this many times a batched one. */
export const UNBATCHED_FLUSH_RATIO = 3.917;

/** Before 6.3, the extra reclaim time for demoting `moved` pages of a slice on node n: each page
 *  whose PTE is present (mapped anon, not PROT_NONE from a NUMA scan: ptep_clear_flush() skips an
 *  inaccessible PTE) is unmapped with its own flush, waited for on every other CPU that runs the
 *  owner's mm. None when the owner runs nowhere else than the reclaimer (its one CPU). */
export function unbatchedFlushNs(sim: Sim, region: Region, s: Slice, n: number, moved: number, accessibleShare: number, sc: ScanControl): number {
  if (sim.kernel.batchedMigrateFlush || moved <= 0 || region.kind !== 'anon') return 0;
  if (remoteCpusOfMm(sim, region.owner, n, sc) <= 0) return 0;
  return moved * accessibleShare * (UNBATCHED_FLUSH_RATIO - 1) * sim.costs.demotePage;
}

/** kswapd's time to demote one mapped page of node n, for the length of its cycles: with the
 *  per-page flush before 6.3 while a workload runs on CPUs other than kswapd's. */
function kswapdDemoteNsPerPage(sim: Sim, n: number): number {
  const c = sim.costs;
  if (sim.kernel.batchedMigrateFlush) return c.demotePage;
  const sc = { who: 'kswapd' } as ScanControl;
  return sim.workloads.some((w) => remoteCpusOfMm(sim, w.name, n, sc) > 0) ? UNBATCHED_FLUSH_RATIO * c.demotePage : c.demotePage;
}

/** CPUs running the mm of workload `owner` other than the reclaimer's: its busy threads, less
 *  the one the reclaimer shares (a task reclaiming for itself is one of them; kswapd of node n runs on one
 *  of their CPUs when they keep every CPU of n busy). */
function remoteCpusOfMm(sim: Sim, owner: string, n: number, sc: ScanControl): number {
  const wl = sim.workloads.find((w) => w.name === owner);
  if (!wl) return 0;
  // A thread busy part of the time still holds its CPU in the mm's cpumask.
  const busy = busyThreads(sim, wl);
  const running = Math.ceil(busy - 1e-9);
  if (sc.who !== 'kswapd') return sc.workload === wl ? running - 1 : running;
  const onNode = Math.ceil(busy * wl.cpuNodes.reduce((t, c) => t + (c.node === n ? c.weight : 0), 0) - 1e-9);
  const cpus = sim.nodes[n].spec.cpus.length;
  return cpus > 0 && onNode >= cpus ? running - 1 : running;
}

/** One reclaim's work on node n: shrink_list() over the lists, shrink_slab() after them. */
class NodeReclaim {
  reclaimed = 0;
  /** Asleep for a swap request past the end of the step (swapRequest). */
  blocked = false;
  /** Pages this reclaim sent to swap, and written pages it freed. */
  private written = 0;
  private writtenFreed = 0;
  lruReclaimed = 0;
  scanned = 0;
  timeNs = 0;
  private readonly L: NodeLru;
  private readonly demotion: boolean;
  private readonly swapNsPerPage: number;
  private readonly startNs: number;

  constructor(private sim: Sim, private n: number, private sc: ScanControl, private view: ListView) {
    this.L = sim.lru[n];
    this.startNs = Math.max(this.L.clockNs, sc.atNs ?? 0);
    this.demotion = isDemotionOn(sim, n);
    const swap = sim.scenario.machine.swap;
    this.swapNsPerPage = swap ? (4096 / swap.bandwidthBytesPerSec) * 1e9 : 0;
  }

  /** Reclaim time so far moves the node's reclaim clock: pages looked at again later in the
   *  same reclaim had that long to be referenced. The reclaims of a step happen within it (its
   *  faulting threads reclaim side by side), so the clock stays inside the step. A workload's
   *  direct reclaim stands for its threads' faults, which reclaim side by side as they pay the
   *  stall from their clock (thread time / threads): the list turns over in wall time at that
   *  rate, not at the sum of their times. */
  private spend(ns: number): void {
    this.timeNs += ns;
    const side = this.sc.who === 'direct' && this.sc.workload ? Math.max(1, this.sc.workload.threads) : 1;
    this.L.clockNs = Math.min(this.L.clockNs + ns / side, this.sim.nowNs + this.sim.dtNs);
  }

  /** shrink_inactive_list(): folio_check_references() on `k` pages from the tail. Anon: young
   *  and PG_referenced -> activate; young -> keep (PG_referenced set, back to the head); not
   *  young -> reclaim. Before 5.9 (page_check_references' PageSwapBacked test) young anon ->
   *  activate. Page cache is unmapped: it is reclaimed referenced or not
   *  (FOLIOREF_RECLAIM_CLEAN); its protection is activation when read again. */
  shrinkInactive(l: number, k: number, goal: number): void {
    const { sim, n, view } = this;
    const file = l === INACTIVE_FILE;
    let activated = 0, pagedOut = 0;
    if (!file) {
      k -= this.freeWritten(Math.min(k, Math.max(SWAP_CLUSTER_MAX, goal - this.reclaimed)));
      if (k <= 0 || this.reclaimed >= goal) return;
    }
    view.take(l, k, (seg, want) => {
      const s = seg.slice, c = seg.cohort!;
      // Cohorts follow removals lazily: never more than the slice's inactive pages now.
      want = Math.min(want, lruPages(s, n) - s.active[n]);
      if (want <= 0) return 0;
      const y = youngChance(sim, seg.region, s, c, this.L.clockNs);
      // Stop near the goal: shrink_lruvec() ends a pass once nr_to_reclaim is met.
      const huge = s.huge[n] / Math.max(1, lruPages(s, n));
      const recShare = file ? 1 : (1 - c.fresh / Math.max(1, c.pages)) * (1 - huge * y.thp - (1 - huge) * y.base);
      // Pages this reclaim wrote that are still in flight will be freed as their writes end:
      // it takes no more than the goal wants besides them (kswapd_shrink_node() counts what it
      // scanned, writes included, as enough; shrink_lruvec() isolates SWAP_CLUSTER_MAX at a time).
      const t = Math.min(want, Math.max(SWAP_CLUSTER_MAX, Math.ceil((goal - this.reclaimed - this.inFlight()) / Math.max(1e-3, recShare))));
      const { marked, fresh } = takeFromCohort(c, t);
      this.scanned += t;
      this.spend(lookNs(sim, seg.region, folioLooks(s, n, t)));
      // Pages young from their fault have no PG_referenced yet: kept, and marked. The others are
      // folios: whole THPs in the slice's THP share, base pages for the rest; a young one is
      // activated when it has PG_referenced, kept otherwise; the rest is reclaimed.
      const old = file ? t : t - fresh;
      const mFrac = old > 0 ? Math.min(1, marked / old) : 0;
      const lru = Math.max(1, lruPages(s, n));
      const thps = file ? 0 : Math.min(Math.floor(s.huge[n] / HPAGE_NR), Math.round((old * s.huge[n]) / lru / HPAGE_NR));
      // THPs on the deferred split queue are PTE-mapped folios on the same list.
      const queued = file ? 0 : Math.min(Math.floor(s.deferred[n] / HPAGE_NR), Math.round((old * s.deferred[n]) / lru / HPAGE_NR), Math.floor(old / HPAGE_NR) - thps);
      const base = old - (thps + queued) * HPAGE_NR;
      const youngThps = Math.min(thps, sround(sim, thps * y.thp));
      const youngBase = Math.min(base, sround(sim, base * y.base));
      // Before 5.9 a young swap-backed page is activated at once (PAGEREF_ACTIVATE), its PTE
      // young from the fault or not; from 5.9 only a second young look activates it.
      const activateYoung = !file && !sim.kernel.anonInactiveFirst;
      const actThps = activateYoung ? youngThps : Math.min(youngThps, sround(sim, youngThps * mFrac));
      const actBase = activateYoung ? youngBase : Math.min(youngBase, sround(sim, youngBase * mFrac));
      const actFresh = activateYoung ? fresh : 0;
      // Active pages are mapped pages: the list's share of queued THPs' unmapped subpages that
      // rounding put among the base pages is kept, not activated.
      const act = Math.min(actThps * HPAGE_NR + actBase + actFresh, Math.max(0, s.mapped(n) - s.active[n]));
      const notActivated = actThps * HPAGE_NR + actBase + actFresh - act;
      // A queued THP with a young PTE is kept (not activated: its unmapped half is no active
      // page); one without is split at once (shrink_folio_list: a folio without a PMD map is
      // split before add_to_swap): its unmapped subpages are freed without I/O, the mapped ones
      // go back to the list as base pages.
      const youngQueued = Math.min(queued, sround(sim, queued * y.thp));
      const keep = (file ? 0 : fresh - actFresh) + (youngThps - actThps) * HPAGE_NR + youngBase - actBase + youngQueued * HPAGE_NR + notActivated;
      let splitBack = 0;
      if (queued > youngQueued) {
        const split = queued - youngQueued;
        const mappedBefore = s.base[n];
        const freed = sim.splitDeferred(seg.region, s, n, split);
        sim.events.record(sim.nowNs, 'thp_split', sim.nodes[n].id, split * HPAGE_NR, `${this.sc.who} reclaim: a THP without a PMD map is split before swap-out`);
        this.reclaimed += freed;
        splitBack = s.base[n] - mappedBefore;
      }
      const recThps = thps - youngThps;
      const rec = recThps * HPAGE_NR + base - youngBase;
      if (act > 0) {
        s.active[n] += act;
        activeToHead(sim, s, n, act);
        activated += act;
      }
      if (keep > 0) {
        view.putHead(l, seg.region, s, pushInactive(sim, s, n, keep, keep, 0, this.L.clockNs), keep);
      }
      if (splitBack > 0) {
        view.putHead(l, seg.region, s, pushInactive(sim, s, n, splitBack, 0, 0, this.L.clockNs), splitBack);
      }
      if (rec > 0 && !file && !this.swapRequest()) {
        view.putHead(l, seg.region, s, pushInactive(sim, s, n, rec, 0, 0, this.L.clockNs), rec);
      } else if (rec > 0) pagedOut += this.reclaimPages(seg.region, s, rec, file, recThps);
      return t;
    }, () => {
      // Each isolation batch starts at the tail again, where completed writes were rotated to.
      if (!file && this.reclaimed < goal) this.freeWritten(goal - this.reclaimed);
      return this.reclaimed >= goal || this.blocked;
    });
    sim.vmstat.add('pgactivate', activated);
    // lru_note_cost(): the I/O this list cost (pages written to swap or back to their file).
    noteCost(sim, n, file, pagedOut);
  }

  /** Pages this reclaim wrote that no scan has freed yet (those of other reclaims it frees
   *  count against them). */
  private inFlight(): number {
    return Math.max(0, this.written - this.writtenFreed);
  }

  /** This reclaimer's own time: when it began plus what it spent. The node's reclaim clock
   *  stays inside the step (reclaims of a step run side by side); the swap device's writes
   *  complete in the time of the reclaimer that waits for them. */
  private nowNs(): number {
    return this.startNs + this.timeNs;
  }

  /** get_request(): a reclaimer about to write waits while the swap device's queue is full.
   *  Past the end of the step the device has not made room yet: the reclaimer sleeps there,
   *  its pages stay on the list, and its reclaim ends (`blocked`), so the writes a step admits
   *  never outrun the device by more than its queue. Returns whether it may write. */
  private swapRequest(): boolean {
    if (this.blocked) return false;
    const waitNs = swapQueueWaitNs(this.sim, this.nowNs());
    const endNs = this.sim.nowNs + this.sim.dtNs;
    if (waitNs > 0 && this.nowNs() + waitNs > endNs) {
      this.spend(Math.max(0, endNs - this.nowNs()));
      this.blocked = true;
      return false;
    }
    this.spend(waitNs);
    return true;
  }

  /** Swapped-out pages whose write completed by the reclaim clock were rotated to the inactive
   *  tail: the scan reaches and frees them first (clean, unmapped, in the swap cache). Returns
   *  the pages freed, which the scan counts as scanned. */
  private freeWritten(want: number): number {
    const { sim, n } = this;
    completeSwapWrites(sim, n, this.nowNs());
    const f = freeWrittenPages(sim, n, want, RECLAIM_CONTIGUITY);
    this.scanned += f.freed;
    this.spend(f.folios * sim.costs.reclaimPage);
    this.reclaimed += f.freed;
    this.lruReclaimed += f.freed;
    this.writtenFreed += f.freed;
    return f.freed;
  }

  /** shrink_active_list(): `k` pages from the active tail go to the inactive head with
   *  PG_workingset. folio_referenced() clears the young bits and anon pages keep PG_referenced,
   *  so a deactivated page used again is activated at its next look; page cache keeps the
   *  PG_referenced its accesses set while it was active. */
  shrinkActive(l: number, k: number): void {
    const { sim, n, view } = this;
    const file = l === ACTIVE_FILE;
    const done = view.take(l, k, (seg, want) => {
      const s = seg.slice;
      const t = Math.min(want, s.active[n]);
      if (t <= 0) return 0;
      this.spend(lookNs(sim, seg.region, folioLooks(s, n, t)));
      s.active[n] -= t;
      s.lru.workingset[n] = Math.min(lruPages(s, n), s.lru.workingset[n] + t);
      const accessed = sim.nowNs - s.lru.liveAtNs <= 2 * sim.dtNs;
      view.putHead(l - 1, seg.region, s, pushInactive(sim, s, n, t, !file || accessed ? t : 0, 0, this.L.clockNs), t);
      return t;
    });
    sim.vmstat.add('pgrefill', done);
    sim.vmstat.add('pgdeactivate', done);
  }

  /** shrink_folio_list() for `k` unreferenced inactive pages of a slice: demoted when a lower
   *  tier has room, else page cache dropped (dirty pages written first) or anon swapped out
   *  (THPs split first: no THP swap). Evicted pages leave shadow entries. Returns pages
   *  written (swap-out or writeback). */
  private reclaimPages(region: Region, s: Slice, k: number, file: boolean, thps: number): number {
    const { sim, n, sc } = this;
    const c = sim.costs;
    const wsShare = Math.min(1, s.lru.workingset[n] / Math.max(1, lruPages(s, n)));
    const accessible = 1 - Math.min(1, s.protnone[n] / Math.max(1, s.mapped(n)));
    const demoted = this.demotion ? demote(sim, region, s, n, k, sc) : 0;
    this.spend(demoted * c.demotePage + unbatchedFlushNs(sim, region, s, n, demoted, accessible, sc));
    this.reclaimed += demoted;
    this.lruReclaimed += demoted;
    let left = k - demoted;
    let written = 0;
    if (left <= 0) return 0;
    if (file) {
      const dirtyShare = Math.min(s.dirty, Math.round((s.dirty * left) / Math.max(1, s.mappedTotal())));
      s.dirty -= dirtyShare;
      sim.freeBase(region, s, n, left, RECLAIM_CONTIGUITY, true, reclaimerCpu(sim, sc, n));
      this.spend(dirtyShare * this.swapNsPerPage);
      written = dirtyShare;
    } else {
      left = Math.min(left, sim.swapTotalPages - sim.swapUsedPages);
      if (left <= 0) return 0;
      // THPs picked for reclaim: with THP_SWAP (4.14+) add_to_swap() takes a free swap cluster
      // for each and the THP is written and freed whole (thp_swpout); without a free cluster,
      // or before, it is split and its subpages go one by one (thp_swpout_fallback).
      const hugeHere = Math.floor(s.huge[n] / HPAGE_NR);
      let units = Math.min(thps, Math.floor(left / HPAGE_NR), hugeHere);
      let base = left - units * HPAGE_NR;
      // Base pages the take counted that the slice does not have are THP subpages: whole folios.
      const short = Math.max(0, Math.ceil((base - s.base[n]) / HPAGE_NR));
      units = Math.min(hugeHere, units + short);
      base = Math.min(base, s.base[n]);
      let whole = 0;
      if (units > 0 && sim.kernel.thpSwap) {
        whole = Math.min(units, freeSwapClusters(sim));
        if (whole > 0) sim.vmstat.add('thp_swpout', whole);
        sim.vmstat.add('thp_swpout_fallback', units - whole);
        units -= whole;
      }
      if (units > 0) {
        sim.splitHuge(s, n, units * HPAGE_NR, `${sc.who} reclaim: split before swap-out${sim.kernel.thpSwap ? ' (no free swap cluster)' : ' (no THP swap)'}`);
        base += units * HPAGE_NR;
      }
      base = Math.min(base, s.base[n], sim.swapTotalPages - sim.swapUsedPages - whole * HPAGE_NR);
      // pageout() starts the write and shrink_page_list() keeps the page under writeback: it
      // is unmapped and has its swap slot now, and is freed by a later scan once the write is
      // done (src/core/swap_io.ts). The submitter waits only when the device's queue is full.
      const out = sim.unmapForSwap(region, s, n, whole, base);
      // try_to_unmap() of each folio (a THP swapped whole is one folio).
      this.spend((out.thps + out.base) * c.unmapPage);
      left = out.thps * HPAGE_NR + out.base;
      // The page stays charged to nothing in memory.current (swap is accounted apart).
      s.swapped += left;
      sim.swapUsedPages += left;
      sim.vmstat.add('pswpout', left);
      submitSwapWrite(sim, n, out.thps, out.base, this.nowNs());
      this.written += left;
      written = left;
      sim.events.record(sim.nowNs, 'swap_out', sim.nodes[n].id, left, `${sc.who} reclaim: ${sc.cause}${whole > 0 ? ` (${whole} THPs whole)` : ''}`, sc.workload?.name);
      s.lru.workingset[n] = Math.max(0, s.lru.workingset[n] - Math.round(left * wsShare));
      evict(sim, s, n, left, wsShare, false);
      return written;
    }
    s.lru.workingset[n] = Math.max(0, s.lru.workingset[n] - Math.round(left * wsShare));
    evict(sim, s, n, left, wsShare, true);
    this.reclaimed += left;
    this.lruReclaimed += left;
    return written;
  }

  slab(priority: number): void {
    const r = shrinkSlab(this.sim, this.n, this.sc, priority);
    this.reclaimed += r.freed;
    this.spend(r.timeNs);
  }
}

/** The CPU node whose pcp lists kswapd's frees go to (shrink_folio_list() ->
 *  free_unref_page_list() on the CPU it runs on): its node's, or straight to the free lists for a
 *  CPU-less node's kswapd, which runs anywhere. A task that reclaims for its own allocation takes
 *  what it freed from its own list right after, so its frees go where that allocation looks. */
function reclaimerCpu(sim: Sim, sc: ScanControl, n: number): number {
  return sc.who === 'kswapd' && sim.nodes[n].hasCpu ? n : -1;
}

/** Free swap clusters (SWAPFILE_CLUSTER = HPAGE_PMD_NR slots with THP_SWAP): the free slots
 *  in whole clusters, taken as packed (slots freed by swap-ins are not tracked by position, so
 *  this is an upper bound). */
function freeSwapClusters(sim: Sim): number {
  return Math.floor((sim.swapTotalPages - sim.swapUsedPages) / HPAGE_NR);
}

/** can_reclaim_anon_pages(): swap space left, or a lower tier to demote to. */
function canReclaimAnon(sim: Sim, n: number, sc: ScanControl): boolean {
  return !sc.fileOnly && sc.mayUnmap && sc.maySwap && (isDemotionOn(sim, n) || sim.swapTotalPages > sim.swapUsedPages);
}

/**
 * get_scan_count(): the weight each list type gets. Anon alone when the file lists are tiny,
 * file alone without swap, in cache_trim_mode or for cgroup reclaim at swappiness 0, both
 * equally at priority 0, otherwise by swappiness and the recent cost of each type
 * (lru_note_cost: what was paged out, and refaults of the workingset).
 */
function scanWeights(sim: Sim, n: number, sc: ScanControl, view: ListView, priority: number, deactivate: boolean[]): [number, number] {
  const swappiness = sim.knob('vm.swappiness');
  if (!canReclaimAnon(sim, n, sc)) return [0, 1];
  if (sc.memcg && swappiness === 0) return [0, 1];
  if (priority === 0 && swappiness > 0) return [1, 1];
  const file = view.size[INACTIVE_FILE] + view.size[ACTIVE_FILE];
  const node = sim.nodes[n];
  // prepare_scan_count(): file_is_tiny when the page cache and the free pages together are
  // under the high watermark and the anon list has pages to give at this priority.
  if (!sc.memcg && file + node.free <= node.level('high') && !deactivate[0] && view.size[INACTIVE_ANON] >> priority > 0) return [1, 0];
  // cache_trim_mode: page cache at this priority and no refaults or low inactive list asking
  // for its active list to be aged: trim the cache and leave anon alone.
  if (file >> priority > 0 && !deactivate[1]) return [0, 1];
  const L = sim.lru[n];
  let total = L.anonCost + L.fileCost;
  const anonCost = total + L.anonCost;
  const fileCost = total + L.fileCost;
  total = anonCost + fileCost;
  const ap = (swappiness * (total + 1)) / (anonCost + 1);
  const fp = ((200 - swappiness) * (total + 1)) / (fileCost + 1);
  return [ap, fp];
}

/**
 * shrink_node(): reclaims up to `nrToReclaim` pages from node n. A pass at `priority` scans the
 * lists by get_scan_count() (at least lru_size >> priority, as much as is still wanted),
 * deactivates where prepare_scan_count() asks for it, rebalances the anon lists while
 * inactive_is_low(), then runs the shrinkers; while the pages freed fall short the priority
 * drops, which makes the next pass scan more and the shrinkers give more. Returns pages freed
 * on n and the reclaimer's time.
 */
export function shrinkNode(sim: Sim, n: number, nrToReclaim: number, sc: ScanControl, priority: number | null = null): ReclaimResult {
  const L = sim.lru[n];
  L.clockNs = Math.max(L.clockNs, sim.nowNs);
  let r = shrinkNodeOnce(sim, n, nrToReclaim, sc, true, priority);
  // Every cgroup under memory.low and nothing reclaimed: reclaim again ignoring the protection.
  if (r.reclaimed === 0 && !sc.memcg && [...sim.cgroups.values()].some((cg) => cg.spec.low !== null)) {
    const again = shrinkNodeOnce(sim, n, nrToReclaim, sc, false, priority);
    r = { ...again, timeNs: again.timeNs + r.timeNs, scanned: again.scanned + r.scanned };
  }
  // snapshot_refaults(): the next reclaim deactivates when refaults activated pages since.
  L.activateSeen[0] = L.activate[0];
  L.activateSeen[1] = L.activate[1];
  return r;
}

function countLowEvents(sim: Sim): void {
  for (const cg of sim.cgroups.values()) if (cg.spec.low !== null && cg.charged > 0 && cg.charged * PAGE_SIZE <= cg.spec.low) cg.lowEvents++;
}

/** `onlyAt`: one shrink_node() call at that priority, as kswapd_shrink_node() makes it: the pass
 *  scans get_scan_count()'s lru_size >> priority and stops early only at nrToReclaim; without it,
 *  the passes go down from DEF_PRIORITY until nrToReclaim is met, each scanning at least what is
 *  still wanted (a bulk request standing for many allocations' reclaims). */
function shrinkNodeOnce(sim: Sim, n: number, nrToReclaim: number, sc: ScanControl, respectLow: boolean, onlyAt: number | null): ReclaimResult {
  const L = sim.lru[n];
  const view = new ListView(sim, n, sc, respectLow);
  const rc = new NodeReclaim(sim, n, sc, view);
  const ageAnon = canReclaimAnon(sim, n, sc) || (!sc.fileOnly && sim.swapTotalPages > 0);
  const first = onlyAt ?? DEF_PRIORITY;
  const last = onlyAt ?? 0;
  for (let priority = first; priority >= last && rc.reclaimed < nrToReclaim && !rc.blocked; priority--) {
    // shrink_node_memcgs() in the memcg_low_reclaim retry: a cgroup reclaimed although under
    // its memory.low counts a MEMCG_LOW event (memory.events low), once per pass.
    if (!respectLow && !sc.memcg) countLowEvents(sim);
    const need = nrToReclaim - rc.reclaimed;
    const scannedBefore = rc.scanned;
    if (priority < first) view.newPass();
    const deactivate = [
      L.activate[0] !== L.activateSeen[0] || inactiveIsLow(view.size[INACTIVE_ANON], view.size[ACTIVE_ANON]),
      L.activate[1] !== L.activateSeen[1] || inactiveIsLow(view.size[INACTIVE_FILE], view.size[ACTIVE_FILE]),
    ];
    const [fa, ff] = scanWeights(sim, n, sc, view, priority, deactivate);
    const w = [view.size[INACTIVE_ANON] * fa, view.size[ACTIVE_ANON] * fa, view.size[INACTIVE_FILE] * ff, view.size[ACTIVE_FILE] * ff];
    const lruSize = view.size.reduce((a, b) => a + b, 0);
    const passScan = onlyAt === null ? Math.max(need, SWAP_CLUSTER_MAX, lruSize >> priority) : lruSize >> priority;
    const inactiveW = w[INACTIVE_ANON] + w[INACTIVE_FILE];
    const scale = passScan / Math.max(1e-9, inactiveW > 0 ? inactiveW : w[ACTIVE_ANON] + w[ACTIVE_FILE]);
    for (const [inactive, type] of [[INACTIVE_ANON, 0], [INACTIVE_FILE, 1]]) {
      if (w[inactive] + w[inactive + 1] <= 0) continue;
      // get_scan_count() gives the active list its own size >> priority (times its type's
      // share): the pass's scan, put on the inactive list, must not carry over to it, or a
      // small inactive list beside a large active one deactivates the whole active list at
      // a middle priority.
      const share = type ? ff : fa;
      // get_scan_count()'s target for one list: its own size >> priority, times its type's share.
      const listTarget = (l: number) => Math.ceil((view.size[l] >> priority) * (fa > 0 && ff > 0 && priority > 0 ? share / (fa + ff) : 1));
      if (deactivate[type]) rc.shrinkActive(inactive + 1, Math.min(Math.ceil(w[inactive + 1] * scale), listTarget(inactive + 1)));
      // kswapd's single pass (priority >= 1) scans each inactive list to that target.
      const inactiveScan = onlyAt === null ? Math.ceil(w[inactive] * scale) : listTarget(inactive);
      if (rc.reclaimed < nrToReclaim) rc.shrinkInactive(inactive, inactiveScan, nrToReclaim);
    }
    // shrink_lruvec(): anon aging continues even when anon is not scanned.
    if (ageAnon && inactiveIsLow(view.size[INACTIVE_ANON], view.size[ACTIVE_ANON])) {
      const ratioGap = view.size[ACTIVE_ANON] - view.size[INACTIVE_ANON];
      rc.shrinkActive(ACTIVE_ANON, Math.min(Math.ceil(ratioGap / 2), Math.max(SWAP_CLUSTER_MAX, rc.scanned - scannedBefore)));
    }
    rc.slab(priority);
    if (rc.scanned === scannedBefore && lruSize === 0 && priority > 1) priority = 1; // nothing on the lists: straight to the shrinkers' last passes
  }
  const lruFreed = rc.lruReclaimed;
  if (sc.who === 'kswapd') {
    sim.vmstat.add('pgscan_kswapd', rc.scanned);
    sim.vmstat.add('pgsteal_kswapd', lruFreed);
  } else {
    sim.vmstat.add('pgscan_direct', rc.scanned);
    sim.vmstat.add('pgsteal_direct', lruFreed);
  }
  return { reclaimed: rc.reclaimed, timeNs: rc.timeNs, scanned: rc.scanned };
}

/** Pages on node n that an LRU pass would reclaim on sight: inactive page cache and (when anon
 *  may go to swap or a lower tier) inactive anon pages not young since the LRU last looked at
 *  them. A young page is kept or activated instead (folio_check_references), so a node full of
 *  a busy workload's memory gives a direct reclaimer only what the lowered priorities force. */
export function unreferencedReclaimable(sim: Sim, n: number): number {
  const anonOk = isDemotionOn(sim, n) || sim.swapTotalPages > sim.swapUsedPages;
  const clock = Math.max(sim.nowNs, sim.lru[n].clockNs);
  // Swapped-out pages written and rotated to the inactive tail are freed on sight.
  completeSwapWrites(sim, n, clock);
  const wb = sim.swapDev.nodes[n];
  let t = wb.rotatedThps * HPAGE_NR + wb.rotatedBase;
  for (const r of sim.regions) {
    if (!r.alive || (r.kind === 'anon' && !anonOk)) continue;
    for (const s of r.slices) {
      if (lruPages(s, n) <= 0) continue;
      for (const c of syncInactive(sim, s, n)) t += c.pages * (1 - youngShare(sim, r, s, n, c, clock));
    }
  }
  return Math.floor(t);
}

/** Time of one DEF_PRIORITY pass of direct reclaim over node n's LRU (lru_size >> 12 pages):
 *  what a reclaimer pays to find that the pages it looks at are all in use. */
export function lruPassNs(sim: Sim, n: number): { pages: number; ns: number } {
  const node = sim.nodes[n];
  const pages = (node.totalPages - node.free - node.pcpPages - node.kernelPages) >> DEF_PRIORITY;
  return { pages, ns: pages * lookNsPerPage(sim, n) };
}

/** Reclaim's time to look at `folios` folios of a region: isolation and folio_check_references()
 *  for each, and folio_referenced()'s rmap walk for a mapped one. Anonymous memory is mapped;
 *  the model's page cache is read, never mapped, so its look finds no mapping to walk. */
function lookNs(sim: Sim, region: Region, folios: number): number {
  return folios * (sim.costs.reclaimPage + (region.kind === 'anon' ? sim.costs.rmapWalk : 0));
}

/** A look's mean time per page on node n's LRU: the rmap walk for its anonymous share. */
function lookNsPerPage(sim: Sim, n: number): number {
  let anon = 0, all = 0;
  for (const r of sim.regions) {
    if (!r.alive) continue;
    for (const s of r.slices) {
      const m = lruPages(s, n);
      all += m;
      if (r.kind === 'anon') anon += m;
    }
  }
  return sim.costs.reclaimPage + (all > 0 ? (anon / all) * sim.costs.rmapWalk : 0);
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
  startKswapd(sim, n, cause);
}

function startKswapd(sim: Sim, n: number, cause: string): void {
  const node = sim.nodes[n];
  const k = node.kswapd;
  k.awake = true;
  k.runs++;
  // balance_pgdat() starts with nr_boost_reclaim = the zones' boosts (zone_boosts[]).
  k.boostSnapshot = node.zones.map((z) => z.boost);
  k.boostReclaim = k.boostSnapshot.reduce((a, b) => a + b, 0);
  k.wokeAtNs = sim.nowNs;
  k.reclaimedThisRun = 0;
  k.runStartReclaimed = 0;
  k.priority = DEF_PRIORITY;
  k.cause = cause;
  sim.vmstat.add('pageoutrun', 1);
  sim.vmstat.add('kswapd_wakeups', 1);
  sim.events.record(sim.nowNs, 'kswapd_wake', sim.nodes[n].id, 0, cause);
}

/** MAX_RECLAIM_RETRIES: kswapd runs that reclaimed nothing before the node is hopeless. */
const MAX_RECLAIM_RETRIES = 16;
/** compact_gap(9): reclaim for a THP stops rebalancing at order 9 once it freed this much. */
const COMPACT_GAP = 2 * HPAGE_NR;

/**
 * wakeup_kswapd() for an order-9 allocation (a THP fault with __GFP_KSWAPD_RECLAIM that missed
 * the fast path): kswapd is woken even on a node balanced at order 0, since no zone meets its
 * mark at order 9 without a free block. A hopeless node (MAX_RECLAIM_RETRIES failed runs), or
 * one balanced at order 9, wakes kcompactd instead when the allocation may not reclaim itself.
 */
export function wakeupKswapdHighOrder(sim: Sim, n: number, order: number, directReclaim: boolean, cause: string): void {
  const node = sim.nodes[n];
  const k = node.kswapd;
  k.order = Math.max(k.order, order);
  if (k.awake) return;
  const balancedAtOrder = node.freeBlocks > 0 && node.balanced(kswapdMark(sim));
  if (k.failures >= MAX_RECLAIM_RETRIES || (balancedAtOrder && !node.boosted())) {
    if (!directReclaim) wakeupKcompactd(sim, n, order);
    return;
  }
  // Balanced at order 0 or not, balance_pgdat() at order 9 reclaims at least compact_gap.
  k.target = kswapdMark(sim);
  startKswapd(sim, n, cause);
  if (k.passLeft <= 0) k.passLeft = COMPACT_GAP;
}

function kswapdSleep(sim: Sim, n: number): void {
  const node = sim.nodes[n];
  const k = node.kswapd;
  k.awake = false;
  // kswapd_try_to_sleep(): after a high-order run that freed compact_gap (balance_pgdat drops to
  // order 0) or on a hopeless node, kswapd wakes kcompactd for the order it was asked.
  if (k.order > 0) {
    if (k.reclaimedThisRun >= COMPACT_GAP || k.failures >= MAX_RECLAIM_RETRIES) wakeupKcompactd(sim, n, k.order);
    k.order = 0;
  }
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
  if (!k.awake || Math.max(sim.nowNs, sim.lru[n].clockNs) < k.throttledUntilNs) return;
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
    // A node not balanced even at the boosted marks restarts as an ordinary run (goto restart:
    // DEF_PRIORITY again).
    if (k.boostReclaim > 0 && !node.balanced(k.target)) {
      k.boostReclaim = 0;
      k.priority = DEF_PRIORITY;
    }
    // kswapd_shrink_node(): one shrink_node() pass at the run's priority, asked for every zone's
    // high mark with its boost (at least SWAP_CLUSTER_MAX each). A pass at a high priority scans
    // only lru_size >> priority, and balance_pgdat() checks pgdat_balanced() before every pass,
    // so kswapd stops a pass or two past its mark rather than far beyond it.
    const nrToReclaim = node.zones.reduce((t, z) => t + Math.max(wmarkPages(z, 'high'), SWAP_CLUSTER_MAX), 0);
    if (k.boostReclaim > 0) {
      const r = shrinkNode(sim, n, nrToReclaim, boostSc, k.priority);
      k.budgetNs -= Math.max(r.timeNs, 1);
      k.reclaimedThisRun += r.reclaimed;
      k.boostReclaim -= Math.min(k.boostReclaim, r.reclaimed);
      if (r.reclaimed === 0) {
        if (k.reclaimedThisRun === 0) k.failures++;
        kswapdSleep(sim, n);
        return;
      }
      k.failures = 0;
      // Boosted reclaim's priority stops rising at DEF_PRIORITY - 2, where it would start writing.
      if (k.priority > DEF_PRIORITY - 2 && r.scanned < nrToReclaim) k.priority--;
      if (k.boostReclaim <= 0 && node.balanced(k.target)) {
        kswapdSleep(sim, n);
        return;
      }
      continue;
    }
    if (node.balanced(k.target) && k.passLeft <= 0) {
      kswapdSleep(sim, n);
      return;
    }
    const r = shrinkNode(sim, n, nrToReclaim, sc, k.priority);
    k.budgetNs -= Math.max(r.timeNs, 1);
    k.reclaimedThisRun += r.reclaimed;
    k.passLeft = Math.max(0, k.passLeft - r.reclaimed);
    // shrink_node(): a pass that reclaimed anything clears kswapd_failures.
    if (r.reclaimed > 0) k.failures = 0;
    // The priority drops when the pass scanned less than nr_to_reclaim (raise_priority) or freed
    // nothing.
    if (r.scanned < nrToReclaim || r.reclaimed === 0) k.priority--;
    const throttled = r.reclaimed === 0 && kswapdThrottled(sim, n);
    if (k.priority < 1) {
      // balance_pgdat() returns. A run that freed nothing is a failure (kswapd_failures), unless
      // what it found is under writeback; an unbalanced node gets another run at DEF_PRIORITY
      // at once (kswapd_try_to_sleep() does not sleep).
      if (k.reclaimedThisRun === k.runStartReclaimed && !throttled) {
        k.passLeft = 0;
        k.failures++;
        kswapdSleep(sim, n);
        return;
      }
      k.priority = DEF_PRIORITY;
      k.runStartReclaimed = k.reclaimedThisRun;
      sim.vmstat.add('pageoutrun', 1);
    }
    if (throttled) return;
    // The next iteration's pgdat_balanced() comes right after the pass, before the step's time
    // may run out: a balanced node sleeps now rather than when kswapd next gets the CPU.
    if (node.balanced(k.target) && k.passLeft <= 0) {
      kswapdSleep(sim, n);
      return;
    }
  }
}

/**
 * kswapd found nothing to free but pages under writeback: shrink_page_list() counted them in
 * nr_writeback (all it took, so PGDAT_WRITEBACK) and, marked PG_reclaim, in nr_immediate, and
 * shrink_node() stalls kswapd instead of letting it fail. Before 5.16, congestion_wait(BLK_RW_ASYNC,
 * HZ/10) sleeps the whole timeout (nothing marks a blk-mq queue congested); from 5.16
 * (8cd7c588decf) reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK) is woken once SWAP_CLUSTER_MAX
 * pages of the node complete writeback, or at the same timeout. Returns whether kswapd waits.
 */
export function kswapdThrottled(sim: Sim, n: number): boolean {
  const now = Math.max(sim.nowNs, sim.lru[n].clockNs);
  completeSwapWrites(sim, n, now);
  const wb = sim.swapDev.nodes[n];
  if (wb.inflight <= 0) return false;
  const until = sim.kernel.writebackThrottle
    ? Math.min(now + WRITEBACK_THROTTLE_NS, swapWritesDoneBy(sim, n, SWAP_CLUSTER_MAX))
    : now + WRITEBACK_THROTTLE_NS;
  sim.nodes[n].kswapd.throttledUntilNs = until;
  return true;
}

/**
 * kswapd cycles that run on their own CPU while a task takes a stream of promotion hint faults.
 * Each failed promotion wakes kswapd (numamigrate_isolate_page); each cycle is a balance_pgdat()
 * that reclaims the node up to kswapd's mark and sleeps, so it makes room for (mark - high)
 * pages plus the SWAP_CLUSTER_MAX batch it rounds to, and costs at least a DEF_PRIORITY pass
 * over the LRU (lru_size >> 12 pages scanned) plus the demotions. Without WMARK_PROMO a cycle
 * frees a batch; with it, a whole watermark gap. The hint faults while kswapd is awake, `streamNs`
 * of thread time from `atNs` on (every call, those that need no room included), give it time for
 * a cycle per cycle's cost. Cycles are whole shrink_node() calls
 * and their time is summed over the calls (one per slice whose promotions failed), so how the
 * faults are cut into slices changes neither the cycles nor what they reclaim: a cycle frees more
 * than one slice's faults may want, and the rest stays free above high for the faults that
 * follow. Returns pages freed on node n.
 */
export function kswapdCyclesForPromotion(sim: Sim, n: number, want: number, streamNs: number, atNs: number): number {
  const node = sim.nodes[n];
  const k = node.kswapd;
  if (!k.awake) return 0;
  const perCycle = Math.max(0, node.level(k.target) - node.level('high')) + SWAP_CLUSTER_MAX;
  const lru = node.totalPages - node.free - node.pcpPages - node.kernelPages;
  const demotion = isDemotionOn(sim, n);
  const look = lookNsPerPage(sim, n);
  const perPage = demotion ? kswapdDemoteNsPerPage(sim, n) : look;
  const passNs = (lru >> DEF_PRIORITY) * look;
  const cycleNs = passNs + perCycle * perPage;
  if (k.promoRun !== k.runs) {
    k.promoRun = k.runs;
    k.promoCycles = 0;
  }
  k.promoRoom += streamNs / Math.max(1, cycleNs);
  // The faults of a step come all through it, and kswapd's cycles for them may run into the next
  // step (its budget goes into debt, paid back after), by one step at most: it has one CPU.
  if (want <= 0 || k.budgetNs <= -sim.dtNs) return 0;
  // kswapd runs when the faults that woke it come, not at the start of the step.
  sim.lru[n].clockNs = Math.max(sim.lru[n].clockNs, atNs);
  const sc: ScanControl = { who: 'kswapd', mayUnmap: true, mayWrite: true, maySwap: true, memcg: null, fileOnly: false, cause: k.cause };
  let freed = 0;
  let cycles = 0;
  // kswapd starts a cycle as soon as the faults have given it any time, and the cycle's time is
  // owed by the faults that follow (promoRoom goes below zero).
  while (k.promoRoom > 0 && freed < want && k.budgetNs > -sim.dtNs) {
    const goal = Math.ceil(Math.max(perCycle, node.deficit(k.target)) / SWAP_CLUSTER_MAX) * SWAP_CLUSTER_MAX;
    const r = shrinkNode(sim, n, goal, sc);
    k.promoRoom -= 1;
    cycles++;
    k.budgetNs -= Math.max(r.timeNs, passNs, 1);
    k.reclaimedThisRun += r.reclaimed;
    freed += r.reclaimed;
    if (r.reclaimed === 0) break;
  }
  // Each cycle past the run's first is a wakeup of its own.
  const more = Math.max(0, k.promoCycles + cycles - 1) - Math.max(0, k.promoCycles - 1);
  k.promoCycles += cycles;
  if (more > 0) {
    sim.vmstat.add('pageoutrun', more);
    sim.vmstat.add('kswapd_wakeups', more);
  }
  return freed;
}

/**
 * should_reclaim_retry() after a direct reclaim that fell short while pages of the zonelist's
 * nodes are under swap writeback: each fault retries, sleeping at most HZ/10 a time (4.19 in
 * congestion_wait() there; from 5.16, 132b0d21d21f and 69392a403f49, reclaim_throttle() in the
 * reclaim itself), and a retry whose reclaim frees written pages is progress, which resets
 * no_progress_loops. So the faults a bulk request stands for wait, together, until the writes
 * that cover what they still need have ended (all of them, if those do not suffice). Returns
 * the wait, or null when nothing is in flight (no progress to wait for: the allocation fails).
 */
export function writebackRetryWaitNs(sim: Sim, zonelist: number[], need: number, atNs: number): number | null {
  let until = Infinity;
  let any = false;
  for (const n of zonelist) {
    completeSwapWrites(sim, n, atNs);
    const wb = sim.swapDev.nodes[n];
    const ready = wb.rotatedThps * HPAGE_NR + wb.rotatedBase;
    if (ready >= need) return 0;
    if (wb.inflight <= 0) continue;
    any = true;
    until = Math.min(until, Math.min(swapWritesDoneBy(sim, n, need - ready), swapWritesDoneBy(sim, n, wb.inflight)));
  }
  if (!any) return null;
  return Math.max(0, until - atNs);
}

/** try_to_free_pages(): direct reclaim by the allocating task over its zonelist. */
export function tryToFreePages(sim: Sim, zonelist: number[], need: number, wl: WorkloadState | null, cause: string, atNs?: number): number {
  const sc: ScanControl = { who: 'direct', mayUnmap: true, mayWrite: true, maySwap: true, memcg: null, fileOnly: false, cause, workload: wl ?? undefined, atNs };
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
