// What memory holds: anonymous regions and files, each cut into slices of its address space. A
// slice records, per node, how many of its pages are resident as base pages, as PMD-mapped THPs
// or as THPs waiting on the deferred split queue, how many are on the active LRU, how many are
// PROT_NONE for NUMA balancing, and how many are in swap. Within a slice the model cannot tell
// pages apart, so slices are cut where the scenario makes pages differ: a region starts as
// SLICES_PER_REGION equal slices, cut further at the edges of its hot sets, DONTNEED ranges and
// access-skew bands (regionCuts in workload.ts), and split again where a hot set moves to
// (Region.splitAt). The model's cost follows the number of slices, which follows regions and
// events, never the number of pages.

import type { Mempolicy } from '../language/model';
import { SliceLru, splitLru } from './lru';
import { HPAGE_NR } from './machine';

/** Equal slices a region starts with, before the cuts its scenario declares. */
export const SLICES_PER_REGION = 64;

/** How finely regions are cut. Tests force a finer resolution to show a result no longer
 *  changes with it. */
export interface Resolution {
  /** Equal slices a region starts with. */
  slicesPerRegion: number;
  /** Access-skew (zipf) bands per doubling of the distance from the region's start. */
  bandsPerOctave: number;
}
export const DEFAULT_RESOLUTION: Resolution = { slicesPerRegion: SLICES_PER_REGION, bandsPerOctave: 1 };

/**
 * How Region.splitAt divides each field of a slice between the two parts. Every field of Slice is
 * listed (test/unit/core/slices.test.ts fails on one that is not), so a new per-page count is
 * conserved by a split:
 * - position: set by the split itself;
 * - thp: per-node page counts held in whole THPs (a multiple of 512), divided by content;
 * - pages: per-node page counts, divided by content;
 * - deferred-subset: per-node subpages of `deferred`, divided as `deferred` was;
 * - mapped-subset: per-node counts of mapped pages (LRU and NUMA states), divided as the mapped
 *   pages were;
 * - scalar-pages: a count over all nodes, divided by content;
 * - scalar-mapped-subset: a count over all nodes of mapped pages, divided as the mapped pages were;
 * - copy: a property of every page of the slice (times, states), the same in both parts;
 * - lru: the LRU state (src/core/lru.ts splitLru), after the counts.
 */
export type SplitRule = 'position' | 'thp' | 'pages' | 'deferred-subset' | 'mapped-subset' | 'scalar-pages' | 'scalar-mapped-subset' | 'copy' | 'lru';
export const SPLIT_RULES: Readonly<Record<string, SplitRule>> = {
  index: 'position', pages: 'position', firstPage: 'position',
  huge: 'thp', deferred: 'thp',
  base: 'pages',
  deferredMapped: 'deferred-subset',
  active: 'mapped-subset', protnone: 'mapped-subset', demoted: 'mapped-subset', promoted: 'mapped-subset',
  swapped: 'scalar-pages', holes: 'scalar-pages',
  dirty: 'scalar-mapped-subset',
  protnoneAtNs: 'copy', lastAccessNs: 'copy',
  lru: 'lru',
};

export type RegionKind = 'anon' | 'file';

export class Slice {
  /** Position in the region's slices (renumbered when a slice is split). */
  index: number;
  /** Virtual size in 4 KiB pages (a multiple of 512 except maybe the last slice). */
  readonly pages: number;
  readonly firstPage: number;
  readonly base: number[];
  readonly huge: number[];
  /** Whole THPs (512 pages each) partially unmapped and queued for deferred split. */
  readonly deferred: number[];
  /** Still-mapped subpages of the deferred THPs. */
  readonly deferredMapped: number[];
  readonly active: number[];
  readonly protnone: number[];
  /** Pages that came here by demotion and were not accessed since (TPP keeps them inactive). */
  readonly demoted: number[];
  /** Pages that came here by promotion (a later demotion of them is a ping-pong). */
  readonly promoted: number[];
  swapped = 0;
  /** Dirty page-cache pages (file slices), over all nodes. */
  dirty = 0;
  /** Pages released by MADV_DONTNEED/free and not faulted again. */
  holes = 0;
  protnoneAtNs = 0;
  lastAccessNs = 0;
  /** Referenced bits, list positions and shadow entries (src/core/lru.ts). */
  readonly lru: SliceLru;

  constructor(index: number, firstPage: number, pages: number, nodes: number) {
    this.index = index;
    this.firstPage = firstPage;
    this.pages = pages;
    const z = () => new Array<number>(nodes).fill(0);
    this.base = z(); this.huge = z(); this.deferred = z(); this.deferredMapped = z();
    this.active = z(); this.protnone = z(); this.demoted = z(); this.promoted = z();
    this.lru = new SliceLru(nodes);
  }

  /** Pages occupying memory on node n. */
  resident(n: number): number {
    return this.base[n] + this.huge[n] + this.deferred[n];
  }
  /** Pages mapped (or cached) on node n: what an access can hit. */
  mapped(n: number): number {
    return this.base[n] + this.huge[n] + this.deferredMapped[n];
  }
  mappedTotal(): number {
    // Summed in place rather than through mapped(n): every access step asks it of every slice.
    let t = 0;
    for (let n = 0; n < this.base.length; n++) t += this.base[n] + this.huge[n] + this.deferredMapped[n];
    return t;
  }
  residentTotal(): number {
    let t = 0;
    for (let n = 0; n < this.base.length; n++) t += this.resident(n);
    return t;
  }
  /** Pages that exist for the program: mapped or swapped out. */
  populated(): number {
    return this.mappedTotal() + this.swapped;
  }

  /** Removes `k` mapped pages of node n from the per-node LRU/NUMA states proportionally,
   *  inactive pages first when `inactiveFirst`. */
  dropStates(n: number, k: number, mappedBefore: number, inactiveFirst: boolean): void {
    if (k <= 0) return;
    const after = mappedBefore - k;
    if (inactiveFirst) {
      const inactive = mappedBefore - this.active[n];
      const fromActive = Math.max(0, k - inactive);
      this.active[n] = Math.max(0, this.active[n] - fromActive);
    } else {
      this.active[n] = Math.min(this.active[n], Math.round((this.active[n] * after) / Math.max(1, mappedBefore)));
    }
    this.active[n] = Math.min(this.active[n], after);
    // The inactive cohorts follow lazily (lru.ts syncInactive); PG_workingset in proportion.
    const ws = this.lru.workingset;
    ws[n] = Math.min(after, inactiveFirst ? ws[n] : Math.round((ws[n] * after) / Math.max(1, mappedBefore)));
    for (const arr of [this.protnone, this.demoted, this.promoted]) {
      arr[n] = Math.min(after, Math.round((arr[n] * after) / Math.max(1, mappedBefore)));
    }
  }
}

export class Region {
  readonly id: number;
  readonly name: string;
  readonly kind: RegionKind;
  readonly pages: number;
  readonly hugepage: boolean;
  readonly slices: Slice[];
  /** Workload that owns it (anon) or first read it (file). */
  readonly owner: string;
  /** Cgroup its pages are charged to, by name. */
  readonly cgroup: string | null;
  /** Pages faulted in so far by the sequential fill (alloc or file read). */
  fillCursor = 0;
  /** Pages of a THP fill's rate owed but not yet faulted: less than a huge page, faulted once
   *  they add up to one (a fill slower than a huge page per step faulted nothing at all). */
  thpOwed = 0;
  alive = true;
  /** Access weight of each slice for the running access phase (sums to 1), or null. */
  weights: Float64Array | null = null;
  /** The VMA's own policy (mbind), or null to follow the task's. */
  policy: Mempolicy | null = null;
  /** Page-table pages (PTE and PMD tables) mapping the region, per node they sit on. */
  readonly pageTables: number[];
  /** Slab pages of the page cache's xarray nodes (radix_tree_node) of a file region, per node. */
  readonly xaSlab: number[];
  /** Nodes of the machine (the length of every per-node count). */
  private readonly nodes: number;

  constructor(id: number, name: string, kind: RegionKind, pages: number, hugepage: boolean, owner: string, cgroup: string | null, nodes: number,
    cuts: Iterable<number> = [], slicesPerRegion = SLICES_PER_REGION) {
    this.id = id;
    this.name = name;
    this.kind = kind;
    this.pages = pages;
    this.hugepage = hugepage;
    this.owner = owner;
    this.cgroup = cgroup;
    this.nodes = nodes;
    this.pageTables = new Array<number>(nodes).fill(0);
    this.xaSlab = new Array<number>(nodes).fill(0);
    const blocks = Math.max(1, Math.ceil(pages / HPAGE_NR));
    const count = Math.min(slicesPerRegion, blocks);
    const perSlice = Math.ceil(blocks / count) * HPAGE_NR;
    const bounds = new Set<number>();
    for (let first = 0; first < pages; first += perSlice) bounds.add(first);
    for (const c of cuts) {
      const b = this.boundaryNear(c);
      if (b !== null) bounds.add(b);
    }
    const firsts = [...bounds].sort((a, b) => a - b);
    this.slices = firsts.map((first, i) => new Slice(i, first, (i + 1 < firsts.length ? firsts[i + 1] : pages) - first, nodes));
  }

  /** The huge-page boundary nearest page `p` strictly inside the region, or null: slices are whole
   *  huge pages so a THP never straddles two slices. */
  private boundaryNear(p: number): number | null {
    const b = Math.round(p / HPAGE_NR) * HPAGE_NR;
    return b > 0 && b < this.pages ? b : null;
  }

  /** Position in `slices` of the slice holding page `p` of the region. */
  private indexOf(p: number): number {
    let lo = 0;
    let hi = this.slices.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.slices[mid].firstPage <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Slice holding page `p` of the region. */
  sliceOf(p: number): Slice {
    return this.slices[this.indexOf(Math.max(0, Math.min(this.pages - 1, p)))];
  }

  /**
   * Cuts the region at the huge-page boundary nearest page `p` (a hot set's new edge), so pages
   * that the scenario now treats differently are in different slices. The slice cut in two gives
   * each part its share of every count (SPLIT_RULES). Returns whether a slice was split. Slices
   * are replaced, not changed: anything holding a Slice must read `slices` again.
   */
  splitAt(p: number): boolean {
    const b = this.boundaryNear(p);
    if (b === null) return false;
    const i = this.indexOf(b);
    const s = this.slices[i];
    if (s.firstPage === b) return false;
    const [left, right] = this.divide(s, b - s.firstPage);
    this.slices.splice(i, 1, left, right);
    for (let j = i; j < this.slices.length; j++) this.slices[j].index = j;
    return true;
  }

  /** Share of a slice's content that lies in its first `leftPages` pages. Anonymous memory is
   *  faulted in address order up to the fill cursor; a file's cached pages are its first ones
   *  (files are read sequentially). */
  private contentShare(s: Slice, leftPages: number): number {
    const filled = this.kind === 'anon'
      ? Math.max(0, Math.min(s.pages, this.fillCursor - s.firstPage))
      : Math.min(s.pages, s.mappedTotal() + s.swapped);
    return filled > 0 ? Math.min(leftPages, filled) / filled : leftPages / s.pages;
  }

  private divide(s: Slice, leftPages: number): [Slice, Slice] {
    const N = this.nodes;
    const f = this.contentShare(s, leftPages);
    const left = new Slice(s.index, s.firstPage, leftPages, N);
    const right = new Slice(s.index + 1, s.firstPage + leftPages, s.pages - leftPages, N);
    const get = (x: Slice, k: string) => (x as unknown as Record<string, unknown>)[k];
    const set = (x: Slice, k: string, v: unknown) => { (x as unknown as Record<string, unknown>)[k] = v; };
    const fields = (rule: SplitRule) => Object.keys(SPLIT_RULES).filter((k) => SPLIT_RULES[k] === rule);
    // Counts by content first; the states that are subsets of them follow.
    for (const k of fields('thp')) splitPerNode(get(s, k) as number[], get(left, k) as number[], get(right, k) as number[], f, HPAGE_NR);
    for (const k of fields('pages')) splitPerNode(get(s, k) as number[], get(left, k) as number[], get(right, k) as number[], f, 1);
    for (const k of fields('scalar-pages')) {
      const v = get(s, k) as number;
      const l = Math.round(v * f);
      set(left, k, l);
      set(right, k, v - l);
    }
    if (this.kind === 'anon') {
      fitAddressSpace(left, right);
      fitAddressSpace(right, left);
    }
    for (const k of fields('deferred-subset')) {
      for (let n = 0; n < N; n++) splitSubset(get(s, k) as number[], get(left, k) as number[], get(right, k) as number[], n, left.deferred[n], right.deferred[n]);
    }
    for (const k of fields('mapped-subset')) {
      for (let n = 0; n < N; n++) splitSubset(get(s, k) as number[], get(left, k) as number[], get(right, k) as number[], n, left.mapped(n), right.mapped(n));
    }
    for (const k of fields('scalar-mapped-subset')) {
      const l = [0], r = [0];
      splitSubset([get(s, k) as number], l, r, 0, left.mappedTotal(), right.mappedTotal());
      set(left, k, l[0]);
      set(right, k, r[0]);
    }
    for (const k of fields('copy')) {
      set(left, k, get(s, k));
      set(right, k, get(s, k));
    }
    splitLru(s, left, right);
    return [left, right];
  }
}

/** Divides per-node counts in `unit`s, share `f` to the left, rounding on the running sum so the
 *  parts' totals are the total's share rounded. */
function splitPerNode(src: number[], left: number[], right: number[], f: number, unit: number): void {
  let cum = 0;
  let given = 0;
  for (let n = 0; n < src.length; n++) {
    cum += src[n] / unit;
    const l = Math.round(cum * f) - given;
    const ln = Math.max(0, Math.min(src[n] / unit, l));
    given += ln;
    left[n] = ln * unit;
    right[n] = src[n] - left[n];
  }
}

/** Divides node n's count of a subset (e.g. active pages) in proportion to the parts' shares of
 *  the superset, neither part holding more than its superset. */
function splitSubset(src: number[], left: number[], right: number[], n: number, leftSup: number, rightSup: number): void {
  const x = src[n];
  const sup = leftSup + rightSup;
  let l = Math.min(leftSup, sup > 0 ? Math.round((x * leftSup) / sup) : 0);
  if (x - l > rightSup) l = Math.min(x, x - rightSup);
  left[n] = Math.max(0, l);
  right[n] = x - left[n];
}

/** Moves pages out of `a` into `b` until `a` holds no more than its address space (rounding can
 *  put a few too many in one part): swap slots first, then base pages, then whole THPs. */
function fitAddressSpace(a: Slice, b: Slice): void {
  let over = a.residentTotal() + a.swapped - a.pages;
  if (over <= 0) return;
  const k = Math.min(over, a.swapped);
  a.swapped -= k;
  b.swapped += k;
  over -= k;
  for (const field of ['base', 'huge'] as const) {
    for (let n = 0; n < a.base.length && over > 0; n++) {
      const unit = field === 'huge' ? HPAGE_NR : 1;
      const k = Math.min(a[field][n], Math.ceil(over / unit) * unit);
      a[field][n] -= k;
      b[field][n] += k;
      over -= k;
    }
  }
}
