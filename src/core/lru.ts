// The LRU lists and workingset detection: mm/swap.c (folio_mark_accessed, lru_note_cost),
// mm/workingset.c (shadow entries, refault distance) and the list state mm/vmscan.c works on.
//
// Every node has an active and an inactive list for anon and for file pages. The model keeps
// them per slice and node: the active pages as a count (Slice.active) with a mean list position,
// the inactive pages as a few cohorts, each a run of pages that went to the list head together
// (faulted in, kept by reclaim, deactivated) with its list position, how many have PG_referenced
// and how many still carry the young PTE of their fault. Reclaim scans cohorts from the tail
// across all slices, so its cost follows slices and cohorts, not pages.
//
// Referenced bits come from the access pattern: a slice's pages take accesses at the rate its
// share of the pattern gives, and a page is young when it was touched since the LRU last looked
// at it, with the probability a Poisson stream of that rate gives. Nothing here knows when a page
// will be used next.

import { HPAGE_NR } from './machine';
import type { Region, Slice } from './memory';
import type { Sim } from './sim';

/** Cohorts kept per slice and node on an inactive list; past it two older ones are merged. */
const MAX_COHORTS = 4;

/** Pages of one slice that went to the head of a node's inactive list together. */
export interface Cohort {
  pages: number;
  /** The node's list counter when they went there: smaller is nearer the tail. */
  seq: number;
  /** The slice's access exposure (accesses per page so far) when they went there. */
  e0: number;
  /** Pages with PG_referenced: set by a reclaim look that kept a young page, kept through
   *  deactivation, and set by folio_mark_accessed() on a page-cache access. */
  marked: number;
  /** Pages whose PTE is still young from the fault that mapped them. */
  fresh: number;
}

/** Per-slice LRU state, one entry per node. */
export class SliceLru {
  readonly inactive: Cohort[][];
  readonly activeSeq: number[];
  /** Pages with PG_workingset: deactivated from the active list, or restored on refault. */
  readonly workingset: number[];
  /** Evicted pages that left a shadow entry, by the node they were evicted from. */
  readonly shadow: number[];
  /** Mean lruvec->nonresident_age stored in those shadows (the eviction counter). */
  readonly shadowAge: number[];
  /** Of the shadows, pages that had PG_workingset when evicted. */
  readonly shadowWs: number[];
  /** Accesses per page so far (the access pattern's share of the slice, summed over steps). */
  exposure = 0;
  /** Accesses per page per ns in the step the slice was last accessed, and that step. */
  rate = 0;
  rateStepNs = -Infinity;
  /** The exposure before that step's accesses: within the step, the exposure at a time is this
   *  plus what the rate added up to then, so two LRU looks in one step are as far apart in
   *  accesses as they are in time. */
  stepBase = 0;
  /** Last step an access phase ran on the slice, with or without accesses: threads stalled for
   *  a whole step (a model step is long next to one stall) still access between their stalls. */
  liveAtNs = -Infinity;

  constructor(nodes: number) {
    const z = () => new Array<number>(nodes).fill(0);
    this.inactive = Array.from({ length: nodes }, () => []);
    this.activeSeq = z(); this.workingset = z(); this.shadow = z(); this.shadowAge = z(); this.shadowWs = z();
  }
}

/** A run of pages of one slice on one list: an inactive cohort, or a slice's active pages. */
export interface LruSegment {
  region: Region;
  slice: Slice;
  cohort: Cohort | null;
  pages: number;
  /** For a cgroup over its memory.low: what this trip along the list may still scan of the
   *  segment (its scaled share, fixed when a scan first reaches it). */
  quota?: number;
}

/** One list of a node in scan order, kept between reclaims; `cursor` is its tail. */
export interface LruQueue {
  segs: LruSegment[];
  cursor: number;
}

/** Per-node lruvec state (the root memcg's; cgroup lruvecs are not kept apart). */
export class NodeLru {
  /** Pages put at a list head so far: the list position a cohort got. */
  seq = 0;
  /** lruvec->nonresident_age: evictions plus activations (workingset_age_nonresident). */
  nonresidentAge = 0;
  /** lruvec->anon_cost and file_cost (lru_note_cost): pages paged out plus restored refaults. */
  anonCost = 0;
  fileCost = 0;
  /** WORKINGSET_ACTIVATE_ANON/FILE on this node, and their values at the last reclaim
   *  (target_lruvec->refaults, snapshot_refaults()). */
  readonly activate = [0, 0];
  readonly activateSeen = [0, 0];
  /** Time reclaim on this node has reached: reclaims in one step run one after another, so pages
   *  looked at twice had that long to be referenced again in between. */
  clockNs = 0;
  /** The lists in scan order, per list and reclaim filter (src/core/vmscan.ts ListView). */
  readonly queues = new Map<string, LruQueue>();
  /** The deferred split shrinker's nr_deferred on this node, per memcg ('' is the root). */
  readonly shrinkerDeferred = new Map<string, number>();
  /** The node's list sizes, counted once per step for refaults: [inactive anon, active anon,
   *  inactive file, active file]. */
  readonly sizes = [0, 0, 0, 0];
  sizesAtNs = -1;
}

/** The faults of a step happen over the step, not at its start: reclaim they cause on a node
 *  starts no earlier than `tNs`, so pages it looks at again had the time in between to be
 *  referenced. */
export function reclaimClockAtLeast(sim: Sim, tNs: number): void {
  for (const L of sim.lru) L.clockNs = Math.max(L.clockNs, tNs);
}

/** Rounds a fractional page count to whole pages at random, keeping the expectation. */
export function sround(sim: Sim, x: number): number {
  return x <= 0 ? 0 : Math.floor(x + sim.rng.next());
}

/** inactive_is_low(): the inactive list is low when inactive * inactive_ratio < active, with
 *  inactive_ratio = int_sqrt(10 * the list pair's size in GB), 1 below 1 GB. */
export function inactiveIsLow(inactive: number, active: number): boolean {
  const gb = Math.floor((inactive + active) / 262144);
  const ratio = gb > 0 ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}

/** Pages on an LRU for slice s on node n. A THP waiting for deferred split stays on its list
 *  as one folio of 512 pages (the list sizes count folio_nr_pages), mapped part or not. */
export function lruPages(s: Slice, n: number): number {
  return s.base[n] + s.huge[n] + s.deferred[n];
}

/** What looking at `t` LRU pages of slice s on node n costs, in 4 KiB page looks: the lists hold
 *  folios, and a THP is one folio (one isolation, one PMD young check) for its 512 pages. */
export function folioLooks(s: Slice, n: number, t: number): number {
  const huge = (s.huge[n] + s.deferred[n]) / Math.max(1, lruPages(s, n));
  return t * (1 - huge + huge / HPAGE_NR);
}

/** The slice's access exposure at time t: what its accesses added up to, extended at its
 *  current rate while an access phase still runs on it. A slice whose phase has begun but that
 *  has taken no access yet has no rate (and no step it took one in) and adds nothing. */
export function exposureAt(sim: Sim, s: Slice, tNs: number, stepEndNs: number): number {
  const st = s.lru;
  if (tNs < stepEndNs) return st.stepBase + (st.rate > 0 ? Math.min(st.exposure - st.stepBase, st.rate * Math.max(0, tNs - st.rateStepNs)) : 0);
  const live = sim.nowNs - st.liveAtNs <= 2 * sim.dtNs;
  return st.exposure + (live && st.rate > 0 && tNs > stepEndNs ? st.rate * (tNs - stepEndNs) : 0);
}

/** The exposure now, for a reclaim whose clock is at `clockNs`. */
function exposureNow(sim: Sim, s: Slice, clockNs: number): number {
  return exposureAt(sim, s, clockNs, s.lru.rateStepNs + sim.dtNs);
}

/** Puts `pages` at the head of node n's inactive list for slice s, and returns the cohort that
 *  holds them: always a cohort of their own, so pages put at a head are behind every page
 *  already on the list, as in the kernel. A full list first merges two of its older cohorts
 *  (mergeOlder). */
export function pushInactive(sim: Sim, s: Slice, n: number, pages: number, marked: number, fresh: number, clockNs = sim.nowNs): Cohort | null {
  if (pages <= 0) return null;
  const L = sim.lru[n];
  const list = s.lru.inactive[n];
  const c: Cohort = { pages, seq: L.seq + pages / 2, e0: exposureNow(sim, s, clockNs), marked: Math.min(pages, marked), fresh: Math.min(pages, fresh) };
  L.seq += pages;
  if (list.length >= MAX_COHORTS) mergeOlder(list);
  list.push(c);
  return c;
}

/**
 * Makes room in a full list: merges two neighbouring older cohorts at the newer one's place.
 * The pages being put at the head are never merged, so the head stays exact. Merging only
 * delays pages, never advances them: no page is reached before its place on the kernel's list
 * (advanced pages were the artifact: kept 4 KiB pages looked at again, and swapped, before THPs
 * kept ahead of them). The pair is the one that delays the fewest pages the shortest way (the
 * older cohort's pages times the distance between the two): an emptied cohort, or two close
 * together, go first. The merged pages take the mean exposure; the newer cohort keeps its place
 * in the reclaim queues, where the older one's segment is skipped (vmscan.ts ListView.unscaled).
 */
function mergeOlder(list: Cohort[]): void {
  let best = 0, bestCost = Infinity;
  for (let i = 0; i + 1 < list.length; i++) {
    const cost = list[i].pages * (list[i + 1].seq - list[i].seq);
    if (cost < bestCost) { best = i; bestCost = cost; }
  }
  const a = list[best], b = list[best + 1];
  const p = a.pages + b.pages;
  if (p > 0) b.e0 = (a.e0 * a.pages + b.e0 * b.pages) / p;
  b.pages = p;
  b.marked += a.marked;
  b.fresh += a.fresh;
  list.splice(best, 1);
}

/** Takes `k` pages out of a cohort, its marked and fresh pages in proportion. */
export function takeFromCohort(c: Cohort, k: number): { marked: number; fresh: number } {
  const share = c.pages > 0 ? Math.min(1, k / c.pages) : 0;
  const marked = Math.min(c.marked, Math.round(c.marked * share));
  const fresh = Math.min(c.fresh, Math.round(c.fresh * share));
  c.pages -= k;
  c.marked -= marked;
  c.fresh -= fresh;
  return { marked, fresh };
}

/** Brings the cohorts of slice s on node n in line with its inactive page count after pages
 *  left or came by paths that do not go through the lists (unmap, free, migration, split): the
 *  excess leaves every cohort in proportion, a shortfall joins at the head unreferenced. */
export function syncInactive(sim: Sim, s: Slice, n: number, pending = 0): Cohort[] {
  const list = s.lru.inactive[n];
  for (let i = list.length - 1; i >= 0; i--) if (list[i].pages <= 0) list.splice(i, 1);
  const want = Math.max(0, lruPages(s, n) - s.active[n] - pending);
  let have = 0;
  for (const c of list) have += c.pages;
  if (have > want) {
    let excess = have - want;
    for (let i = 0; i < list.length && excess > 0; i++) {
      const k = i === list.length - 1 ? excess : Math.min(list[i].pages, Math.round(((have - want) * list[i].pages) / have));
      const t = Math.min(k, list[i].pages, excess);
      takeFromCohort(list[i], t);
      excess -= t;
    }
    for (let i = list.length - 1; i >= 0; i--) if (list[i].pages <= 0) list.splice(i, 1);
  } else if (have < want) pushInactive(sim, s, n, want - have, 0, 0);
  return list;
}

/** The chance that a cohort's base page and its THP, not young from their fault any more, are
 *  young when the LRU looks at them now. The young bit is per folio: a THP's PMD is young when
 *  any of its 512 subpages was touched, so a THP is referenced at 512 times the rate of a 4 KiB
 *  page of the same slice. */
export function youngChance(sim: Sim, region: Region, s: Slice, c: Cohort, clockNs: number): { base: number; thp: number } {
  if (region.kind !== 'anon' || c.pages <= 0) return { base: 0, thp: 0 };
  const x = Math.max(0, exposureNow(sim, s, clockNs) - c.e0);
  return { base: 1 - Math.exp(-x), thp: 1 - Math.exp(-HPAGE_NR * x) };
}

/** Share of a cohort's pages that are young now, those still young from their fault included
 *  (the slice's THP share on the node stands for the cohort's). */
export function youngShare(sim: Sim, region: Region, s: Slice, n: number, c: Cohort, clockNs: number): number {
  if (region.kind !== 'anon' || c.pages <= 0) return 0;
  const y = youngChance(sim, region, s, c, clockNs);
  const huge = s.huge[n] / Math.max(1, lruPages(s, n));
  const fresh = c.fresh / c.pages;
  return fresh + (1 - fresh) * (huge * y.thp + (1 - huge) * y.base);
}

/** New pages on node n of a slice (fault, page-cache read, swap-in, migration target): they go
 *  to the inactive list head (anon faults too since 5.9, b518154e59aa; before, the active head; a migration target by
 *  folio_add_lru() with the PG_active it copied from the source, and the source pages the model
 *  migrates are inactive). A fault's PTE starts young; a read marks its page accessed; a page
 *  moved by reclaim or placement arrives with an old PTE (remove_migration_pte()); a page moved
 *  by a NUMA hint fault ('hinted') is young at once, as the faulting access is retried on it. */
export function lruAdd(sim: Sim, s: Slice, n: number, pages: number, how: 'fault' | 'read' | 'migrated' | 'hinted'): void {
  if (pages <= 0) return;
  syncInactive(sim, s, n, pages);
  if (how === 'fault' && !sim.kernel.anonInactiveFirst) {
    // Before 5.9 a faulted anon page, and the page do_swap_page() maps, join the active list
    // (lru_cache_add_active_or_unevictable, activate_page): they reach the inactive list only
    // by deactivation, which clears their young bits.
    s.active[n] += pages;
    activeToHead(sim, s, n, pages);
    return;
  }
  pushInactive(sim, s, n, pages, how === 'read' ? pages : 0, how === 'fault' || how === 'hinted' ? pages : 0);
}

/** Moves `k` active pages of slice s on node n to the head of the active list. */
export function activeToHead(sim: Sim, s: Slice, n: number, k: number): void {
  if (k <= 0) return;
  const L = sim.lru[n];
  const rest = Math.max(0, s.active[n] - k);
  s.lru.activeSeq[n] = rest + k > 0 ? (s.lru.activeSeq[n] * rest + (L.seq + k / 2) * k) / (rest + k) : L.seq;
  L.seq += k;
}

/**
 * The accesses of a step on a slice: `perPage` accesses per page on average over `activeNs`.
 * Anon pages only add to the slice's exposure (their young bits are read from it when the LRU
 * looks). Page cache follows folio_mark_accessed(): an access sets PG_referenced, an access to a
 * page that has it moves the page to the active list (workingset_activation ages the lruvec).
 */
export function touch(sim: Sim, region: Region, s: Slice, perPage: number, activeNs: number): void {
  const st = s.lru;
  st.liveAtNs = sim.nowNs;
  if (perPage <= 0) return;
  if (st.rateStepNs !== sim.nowNs) {
    st.rate = 0;
    st.rateStepNs = sim.nowNs;
    st.stepBase = st.exposure;
  }
  st.rate += perPage / Math.max(1, activeNs);
  st.exposure += perPage;
  if (region.kind !== 'file' || perPage <= 0) return;
  const p0 = Math.exp(-perPage);
  const p1 = perPage * p0;
  for (let n = 0; n < s.base.length; n++) {
    if (lruPages(s, n) <= 0) continue;
    let activated = 0;
    for (const c of syncInactive(sim, s, n)) {
      const unmarked = c.pages - c.marked;
      const fromMarked = sround(sim, c.marked * (1 - p0));
      const fromUnmarked = Math.min(unmarked, sround(sim, unmarked * (1 - p0 - p1)));
      const newlyMarked = Math.min(unmarked - fromUnmarked, sround(sim, unmarked * p1));
      c.marked += newlyMarked - fromMarked;
      c.pages -= fromMarked + fromUnmarked;
      activated += fromMarked + fromUnmarked;
    }
    const list = st.inactive[n];
    for (let i = list.length - 1; i >= 0; i--) if (list[i].pages <= 0) list.splice(i, 1);
    if (activated > 0) {
      // folio_activate() clears PG_referenced; the lruvec ages by the pages activated.
      s.active[n] += activated;
      activeToHead(sim, s, n, activated);
      sim.lru[n].nonresidentAge += activated;
      sim.vmstat.add('pgactivate', activated);
    }
  }
}

/** A slice that has taken no access yet, under a phase whose threads were stalled this whole
 *  step: from now on it counts as accessed at `perPageNs` accesses per page per ns, as a slice
 *  accessed in an earlier step counts at its own last rate (exposureAt). */
export function assumeRate(sim: Sim, s: Slice, perPageNs: number): void {
  const st = s.lru;
  if (perPageNs <= 0) return;
  st.rate = perPageNs;
  st.rateStepNs = sim.nowNs - sim.dtNs;
  st.stepBase = st.exposure;
}

/** workingset_eviction() for `pages` of slice s evicted from node n: each leaves a shadow with
 *  the node's nonresident age after its own eviction, and whether it was workingset. */
export function evict(sim: Sim, s: Slice, n: number, pages: number, wsShare: number, file: boolean): void {
  // Before 5.9 (aae466b0052e) an anon eviction leaves no shadow and does not age the lruvec.
  if (pages <= 0 || (!file && !sim.kernel.anonInactiveFirst)) return;
  const L = sim.lru[n];
  const st = s.lru;
  const age = L.nonresidentAge + (pages + 1) / 2;
  L.nonresidentAge += pages;
  st.shadowAge[n] = st.shadow[n] + pages > 0 ? (st.shadowAge[n] * st.shadow[n] + age * pages) / (st.shadow[n] + pages) : age;
  st.shadow[n] += pages;
  st.shadowWs[n] += pages * wsShare;
}

/** Drops a slice's shadow entries (its swap slots are freed with the region). */
export function clearShadows(s: Slice): void {
  s.lru.shadow.fill(0);
  s.lru.shadowWs.fill(0);
}

/** The workingset size a refault is compared with (workingset_refault()): the active file
 *  list, plus the inactive file list for an anon refault, plus the anon lists (only the active
 *  one for an anon refault) while swap has room. */
function workingsetSize(sim: Sim, n: number, file: boolean): number {
  const L = sim.lru[n];
  if (L.sizesAtNs !== sim.nowNs) {
    L.sizes.fill(0);
    for (const r of sim.regions) {
      if (!r.alive) continue;
      const f = r.kind === 'file' ? 2 : 0;
      for (const s of r.slices) {
        const m = lruPages(s, n);
        if (m <= 0) continue;
        const a = Math.min(m, s.active[n]);
        L.sizes[f] += m - a;
        L.sizes[f + 1] += a;
      }
    }
    L.sizesAtNs = sim.nowNs;
  }
  const [inactiveAnon, activeAnon, inactiveFile, activeFile] = L.sizes;
  let size = activeFile + (file ? 0 : inactiveFile);
  if (sim.swapTotalPages > sim.swapUsedPages) size += activeAnon + (file ? inactiveAnon : 0);
  return size;
}

/**
 * workingset_refault() for `k` pages of slice s coming back (swap-in or page-cache read), of
 * `missing` pages out of memory; `placed[m]` of them landed on node m. Pages whose shadow's
 * refault distance (the node's nonresident age now minus at eviction) is within the workingset
 * go straight to the active list; those that were workingset count as restored and as reclaim
 * cost of their type (lru_note_cost_refault).
 */
export function refault(sim: Sim, region: Region, s: Slice, k: number, missing: number, placed: number[]): void {
  const st = s.lru;
  const file = region.kind === 'file';
  if (!file && !sim.kernel.anonInactiveFirst) return;
  const total = placed.reduce((a, b) => a + b, 0);
  if (k <= 0 || total <= 0 || missing <= 0) return;
  for (let n = 0; n < st.shadow.length; n++) {
    if (st.shadow[n] <= 0) continue;
    const back = Math.min(st.shadow[n], sround(sim, (st.shadow[n] * Math.min(k, total)) / missing));
    if (back <= 0) continue;
    const ws = Math.min(back, (st.shadowWs[n] * back) / st.shadow[n]);
    st.shadowWs[n] = Math.max(0, st.shadowWs[n] - ws);
    st.shadow[n] -= back;
    const L = sim.lru[n];
    sim.vmstat.add(file ? 'workingset_refault_file' : 'workingset_refault_anon', back);
    const distance = L.nonresidentAge - st.shadowAge[n];
    if (distance > workingsetSize(sim, n, file)) continue;
    L.nonresidentAge += back;
    L.activate[file ? 1 : 0] += back;
    sim.vmstat.add(file ? 'workingset_activate_file' : 'workingset_activate_anon', back);
    const restored = sround(sim, ws);
    if (restored > 0) {
      sim.vmstat.add(file ? 'workingset_restore_file' : 'workingset_restore_anon', restored);
      noteCost(sim, n, file, restored);
    }
    // The pages came back wherever they were allocated: activate them there.
    for (let m = 0; m < placed.length; m++) {
      const want = Math.round((back * placed[m]) / total);
      if (want <= 0) continue;
      const list = syncInactive(sim, s, m);
      let act = 0;
      for (let i = list.length - 1; i >= 0 && act < want; i--) {
        const t = Math.min(list[i].pages, want - act);
        takeFromCohort(list[i], t);
        act += t;
        if (list[i].pages <= 0) list.splice(i, 1);
      }
      s.active[m] += act;
      activeToHead(sim, s, m, act);
      if (restored > 0) st.workingset[m] = Math.min(lruPages(s, m), st.workingset[m] + Math.round((restored * placed[m]) / total));
    }
  }
}

/** lru_note_cost(): reclaim cost of a type (pages paged out, restored refaults), halved with the
 *  other type's once both exceed a quarter of the node's LRU pages. */
export function noteCost(sim: Sim, n: number, file: boolean, pages: number): void {
  if (pages <= 0) return;
  const L = sim.lru[n];
  if (file) L.fileCost += pages; else L.anonCost += pages;
  const node = sim.nodes[n];
  const lruSize = node.totalPages - node.free - node.pcpPages - node.kernelPages;
  if (L.fileCost + L.anonCost > lruSize / 4) {
    L.fileCost /= 2;
    L.anonCost /= 2;
  }
}

/** Region.splitAt for the LRU state: each inactive cohort goes to the parts in the share of
 *  inactive pages each part got (same list position, exposure and marks), shadows in the share
 *  of what is out of memory, PG_workingset in the share of mapped pages; the access rate and
 *  exposure hold for every page of the slice. */
export function splitLru(s: Slice, left: Slice, right: Slice): void {
  const src = s.lru;
  for (const part of [left, right]) {
    const d = part.lru;
    d.exposure = src.exposure;
    d.stepBase = src.stepBase;
    d.rate = src.rate;
    d.rateStepNs = src.rateStepNs;
    d.liveAtNs = src.liveAtNs;
  }
  const outL = left.swapped + Math.max(0, left.pages - left.mappedTotal());
  const outR = right.swapped + Math.max(0, right.pages - right.mappedTotal());
  const fo = outL + outR > 0 ? outL / (outL + outR) : 0.5;
  for (let n = 0; n < src.inactive.length; n++) {
    const li = Math.max(0, lruPages(left, n) - left.active[n]);
    const ri = Math.max(0, lruPages(right, n) - right.active[n]);
    const f = li + ri > 0 ? li / (li + ri) : 0.5;
    for (const c of src.inactive[n]) {
      const pages = Math.round(c.pages * f), marked = Math.round(c.marked * f), fresh = Math.round(c.fresh * f);
      left.lru.inactive[n].push({ ...c, pages, marked, fresh });
      right.lru.inactive[n].push({ ...c, pages: c.pages - pages, marked: c.marked - marked, fresh: c.fresh - fresh });
    }
    for (const part of [left, right]) {
      part.lru.activeSeq[n] = src.activeSeq[n];
      part.lru.shadowAge[n] = src.shadowAge[n];
    }
    const ml = left.mapped(n), mr = right.mapped(n);
    const ws = Math.round((src.workingset[n] * ml) / Math.max(1, ml + mr));
    left.lru.workingset[n] = Math.min(ml, ws);
    right.lru.workingset[n] = src.workingset[n] - left.lru.workingset[n];
    const sh = Math.round(src.shadow[n] * fo);
    left.lru.shadow[n] = sh;
    right.lru.shadow[n] = src.shadow[n] - sh;
    left.lru.shadowWs[n] = src.shadowWs[n] * fo;
    right.lru.shadowWs[n] = src.shadowWs[n] * (1 - fo);
  }
}
