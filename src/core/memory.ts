// What memory holds: anonymous regions and files, each cut into a fixed number of slices of its
// address space. A slice records, per node, how many of its pages are resident as base pages, as
// PMD-mapped THPs or as THPs waiting on the deferred split queue, how many are on the active LRU,
// how many are PROT_NONE for NUMA balancing, and how many are in swap. The model's cost follows
// the number of slices, never the number of pages.

import type { Mempolicy } from '../language/model';
import { HPAGE_NR } from './machine';

/** Slices per region: enough to place a hot set or a scan window, independent of size. */
export const SLICES_PER_REGION = 64;

export type RegionKind = 'anon' | 'file';

export class Slice {
  readonly index: number;
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
  /** Mean time between two accesses to one page while an access phase runs; Infinity when idle. */
  reuseNs = Infinity;
  accessing = false;

  constructor(index: number, firstPage: number, pages: number, nodes: number) {
    this.index = index;
    this.firstPage = firstPage;
    this.pages = pages;
    const z = () => new Array<number>(nodes).fill(0);
    this.base = z(); this.huge = z(); this.deferred = z(); this.deferredMapped = z();
    this.active = z(); this.protnone = z(); this.demoted = z(); this.promoted = z();
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
    let t = 0;
    for (let n = 0; n < this.base.length; n++) t += this.mapped(n);
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

  /** How long since a typical page of the slice was touched: the LRU's notion of age. */
  coldness(nowNs: number): number {
    return this.accessing ? this.reuseNs / 2 : nowNs - this.lastAccessNs;
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

  constructor(id: number, name: string, kind: RegionKind, pages: number, hugepage: boolean, owner: string, cgroup: string | null, nodes: number) {
    this.id = id;
    this.name = name;
    this.kind = kind;
    this.pages = pages;
    this.hugepage = hugepage;
    this.owner = owner;
    this.cgroup = cgroup;
    // Slices are whole huge pages so a THP never straddles two slices.
    const blocks = Math.max(1, Math.ceil(pages / HPAGE_NR));
    const count = Math.min(SLICES_PER_REGION, blocks);
    const perSlice = Math.ceil(blocks / count) * HPAGE_NR;
    this.slices = [];
    for (let first = 0, i = 0; first < pages; first += perSlice, i++) {
      this.slices.push(new Slice(i, first, Math.min(perSlice, pages - first), nodes));
    }
  }

  /** Slice holding page `p` of the region. */
  sliceOf(p: number): Slice {
    const per = this.slices[0].pages;
    return this.slices[Math.min(this.slices.length - 1, Math.floor(p / per))];
  }
}
