// Nodes, zones and watermarks: the counterpart of mm/page_alloc.c's boot-time setup
// (calculate_min_free_kbytes, set_recommended_min_free_kbytes in mm/khugepaged.c,
// setup_per_zone_lowmem_reserve, __setup_per_zone_wmarks) and of the per-node state the rest of
// the model reads (free pages, free 2 MiB blocks, kswapd state).

import type { KnobSettings, Machine, NodeSpec } from '../language/model';

export const PAGE_SIZE = 4096;
/** Base pages in one 2 MiB huge page / pageblock (HPAGE_PMD_NR, pageblock_nr_pages). */
export const HPAGE_NR = 512;
/** HPAGE_PMD_ORDER: the order of a THP and of a pageblock on x86-64. */
export const HPAGE_ORDER = 9;
/** SWAP_CLUSTER_MAX: the batch reclaim works in. */
export const SWAP_CLUSTER_MAX = 32;
/** DEF_PRIORITY: a reclaim pass first scans lru_size >> 12 pages of each list. */
export const DEF_PRIORITY = 12;
/** Nodes further than this (SLIT) are not reclaimed by node reclaim (RECLAIM_DISTANCE). */
export const RECLAIM_DISTANCE = 30;

export type ZoneName = 'DMA' | 'DMA32' | 'Normal';
/** sysctl_lowmem_reserve_ratio for DMA, DMA32, Normal. */
const LOWMEM_RESERVE_RATIO: Record<ZoneName, number> = { DMA: 256, DMA32: 256, Normal: 32 };

export type Wmark = 'min' | 'low' | 'high' | 'promo';

export interface Zone {
  name: ZoneName;
  managed: number;
  free: number;
  wmark: Record<Wmark, number>;
  /** lowmem_reserve[] for a movable (GFP_HIGHUSER_MOVABLE) allocation: pages this zone keeps
   *  back from allocations that could have used a higher zone. */
  reserve: number;
  /** watermark_boost: raised by boost_watermark() on a migratetype fallback, added to every
   *  mark (wmark_pages), taken back once kswapd has reclaimed it. */
  boost: number;
  /** The zone has been drained to its mark once: its scraps in other migratetypes' pageblocks
   *  are used up (the simple fallback model of src/core/page_alloc.ts). */
  drained: boolean;
  /** The per-CPU page lists (struct per_cpu_pages) of movable order-0 pages, indexed by the node
   *  of the CPU that holds them: free pages that are not in NR_FREE_PAGES, so neither MemFree
   *  nor the watermark checks see them. */
  pcp: Pcp;
}

/** One zone's per-CPU lists: one CPU's list per CPU-bearing node (the CPU a task runs on). */
export interface Pcp {
  /** pcp->count per CPU node. */
  count: number[];
  /** pcp->high and pcp->batch (zone_highsize, zone_batchsize). */
  high: number;
  batch: number;
}

/** zone_batchsize(): about a quarter of 0.1% of the zone, at most 1 MiB / 4, as 2^n - 1. */
export function zoneBatchsize(managed: number): number {
  let batch = Math.floor(Math.min(managed >> 10, (1024 * 1024) / PAGE_SIZE) / 4);
  if (batch < 1) batch = 1;
  const x = batch + (batch >> 1);
  batch = 2 ** Math.floor(Math.log2(x)) - 1;
  return Math.max(1, batch);
}

/** zone_highsize() (5.14+): the zone's low watermark split over the CPUs of its node (over every
 *  CPU for a CPU-less node), at least four batches. */
export function zoneHighsize(low: number, batch: number, nodeCpus: number, onlineCpus: number): number {
  const split = nodeCpus > 0 ? nodeCpus : Math.max(1, onlineCpus);
  return Math.max(Math.floor(low / split), batch * 4);
}

/** Pages of a zone's pcp lists over every CPU. */
export function pcpPages(z: Zone): number {
  let t = 0;
  for (let i = 0; i < z.pcp.count.length; i++) t += z.pcp.count[i];
  return t;
}

/** Pages of a zone in use (not in the buddy, not on a pcp list). */
function zoneUsed(z: Zone): number {
  return z.managed - z.free - pcpPages(z);
}

/**
 * free_unref_page_commit() for `k` pages a CPU frees into its list: the list grows to pcp->high
 * (to 4 batches while kswapd reclaims the node, ZONE_RECLAIM_ACTIVE), then free_pcppages_bulk()
 * gives nr_pcp_free() pages back to the buddy: a batch each time the list reaches high. (The
 * kernel doubles the bulk free while frees come without any allocation through the list,
 * free_factor, and halves it at every allocation; the corpus's long DONTNEED streams end with
 * the lists near high, so the kernel's own allocations keep it low: docs/model.md.)
 * Returns pages given to the buddy.
 */
function pcpCommit(p: Pcp, cpu: number, k: number, reclaimActive: boolean): number {
  const high = reclaimActive ? Math.min(p.batch * 4, p.high) : p.high;
  const nr = high < p.batch ? 1 : p.batch;
  let c = p.count[cpu];
  let toBuddy = 0;
  // At or above high (high lowered while kswapd reclaims): every free gives back nr pages.
  if (c >= high && k > 0) {
    const drop = nr - 1;
    const steps = drop > 0 ? Math.min(k, Math.ceil((c - high + 1) / drop)) : k;
    c -= steps * drop;
    k -= steps;
    toBuddy += steps * nr;
  }
  if (k > 0) {
    const room = high - c;
    if (k < room) c += k;
    else {
      // The first bulk free when the count reaches high, then one every nr frees.
      k -= room;
      c = high - nr;
      const bulks = 1 + Math.floor(k / nr);
      toBuddy += bulks * nr;
      c += k - (bulks - 1) * nr;
    }
  }
  p.count[cpu] = c;
  return toBuddy;
}

/** wmark_pages(): a zone's mark with its watermark boost. */
export function wmarkPages(z: Zone, mark: Wmark): number {
  return z.wmark[mark] + z.boost;
}

export interface KswapdState {
  awake: boolean;
  /** Balance target (pgdat_balanced): promo in tiering mode with WMARK_PROMO, high otherwise. */
  target: 'high' | 'promo';
  wokeAtNs: number;
  reclaimedThisRun: number;
  /** Reclaim time left in the current step, ns. */
  budgetNs: number;
  /** The CPU time per ns kswapd gets this step on its node's CPUs (src/core/kswapd_cpu.ts). */
  cpuShare: number;
  /** Consecutive runs that reclaimed nothing (kswapd_failures): it stops trying. */
  failures: number;
  /** Pages a high-order run still reclaims before it drops to order 0 (compact_gap). */
  passLeft: number;
  /** sc.priority of the running balance_pgdat(): DEF_PRIORITY at its start, lowered after a
   *  pass that scanned less than it was asked to reclaim or reclaimed nothing. */
  priority: number;
  /** reclaimedThisRun when the running balance_pgdat() began (a wake can hold several). */
  runStartReclaimed: number;
  cause: string;
  /** nr_boost_reclaim of the running balance_pgdat(): boosted pages still to reclaim without
   *  swap or writeback (0: an ordinary pass). */
  boostReclaim: number;
  /** pgdat->kswapd_order: the highest order it was woken for (9 for a THP fault without direct
   *  reclaim); on going to sleep it wakes kcompactd for it. */
  order: number;
  /** zone_boosts[]: each zone's boost when this run started, taken back when it ends. */
  boostSnapshot: number[];
  /** Wakeups so far, and the run the promotion cycles below were counted in. */
  runs: number;
  promoRun: number;
  /** Cycles kswapd can still do for failed promotions: the time the hint faults have given it
   *  in cycles, less the cycles done (below zero while a cycle is owed); carried across runs
   *  (vmscan.ts kswapdCyclesForPromotion). */
  promoRoom: number;
  /** Cycles this run did for promotions (its first is the wakeup itself). */
  promoCycles: number;
  /** Until when kswapd sleeps in a writeback throttle (congestion_wait, reclaim_throttle), ns. */
  throttledUntilNs: number;
}

/** The node's pageblocks as counts (pageblock_nr_pages = HPAGE_NR on x86-64): how many carry each
 *  migratetype, and compaction's per-pageblock state (PG_migrate_skip, the cached scanner
 *  positions), so compaction's outcome follows from the layout rather than a probability.
 *  Movable pageblocks in use are the rest: nr - free blocks - unmovable - reclaimable. */
export interface PageblockState {
  nr: number;
  /** Pageblocks labelled MIGRATE_UNMOVABLE / MIGRATE_RECLAIMABLE (kernel memory). */
  unmovable: number;
  reclaimable: number;
  /** Free pages inside the unmovable / reclaimable pageblocks, which their own allocations use
   *  before any fallback. */
  room: { unmovable: number; reclaimable: number };
  /** Movable pageblocks an unmovable page was stolen into (a fallback that did not claim the
   *  block): compaction can never empty them. */
  polluted: number;
  /** Scattered free pages in a regular pattern the async free scanner's stride misses
   *  (isolate_freepages() samples every COMPACT_CLUSTER_MAX-th page until it isolates one). */
  hidden: number;
  /** Used movable pageblocks with PG_migrate_skip set. */
  skip: number;
  /** compact_blockskip_flush: a direct compaction pass completed; kswapd clears the skip bits
   *  when it goes to sleep. */
  blockskipFlush: boolean;
  /** kcompactd: pgdat->kcompactd_max_order (0: no request), whether wakeup_kcompactd() woke
   *  it (kcompactd_node_suitable), and when its timeout ends (the next proactive check, ns). */
  kcompactdOrder: number;
  kcompactdWoken: boolean;
  proactiveAtNs: number;
}

export class NodeState {
  /** Position in the machine's node list; every per-node array in the model is indexed by it. */
  index = 0;
  readonly id: number;
  readonly spec: NodeSpec;
  readonly zones: Zone[];
  /** MemTotal in pages: the sum of the zones' managed pages. */
  readonly totalPages: number;
  /** Pages the kernel itself holds (slab, page tables, stacks), part of MemTotal - MemFree: the
   *  boot-time share plus the page tables the workloads' faults allocate. */
  kernelPages: number;
  /** Free pages that sit in whole free 2 MiB blocks; the rest of free memory is scattered. */
  freeBlocks = 0;
  readonly kswapd: KswapdState = { awake: false, target: 'high', wokeAtNs: 0, reclaimedThisRun: 0, budgetNs: 0, cpuShare: 1, failures: 0, passLeft: 0, priority: DEF_PRIORITY, runStartReclaimed: 0, cause: '', boostReclaim: 0, boostSnapshot: [], order: 0, runs: 0, promoRun: -1, promoRoom: 0, promoCycles: 0, throttledUntilNs: 0 };
  /** ZONE_BOOSTED_WATERMARK on any of the node's zones: the next rmqueue() from the node wakes
   *  kswapd. */
  boostedWake = false;

  /** Zonelist: node ids by distance from this node (build_zonelists / find_next_best_node). */
  zonelist: number[] = [];
  /** Next slower tier to demote to, in preference order (node_demotion[] / next_demotion_node). */
  demotionTargets: number[] = [];
  /** Compaction deferral (defer_compaction): attempts to skip before trying sync compaction again. */
  compactDeferShift = 0;
  compactConsidered = 0;
  readonly pb: PageblockState;
  /** Promotion rate-limit window (numa_promotion_rate_limit): candidates in the current second. */
  promoWindowStartNs = 0;
  promoWindowPages = 0;
  /** Auto-adjusted hot threshold (numa_promotion_adjust_threshold), ns; 0 = not yet set. */
  promoThresholdNs = 0;
  promoThresholdWindowStartNs = 0;
  promoThresholdWindowCand = 0;

  constructor(spec: NodeSpec, zones: Zone[], kernelPages: number) {
    this.id = spec.id;
    this.spec = spec;
    this.zones = zones;
    this.totalPages = zones.reduce((s, z) => s + z.managed, 0);
    this.kernelPages = kernelPages;
    // Boot-time kernel allocations fill unmovable pageblocks of their own.
    const unmovable = Math.min(Math.floor(this.totalPages / HPAGE_NR), Math.ceil(kernelPages / HPAGE_NR));
    this.pb = { nr: Math.floor(this.totalPages / HPAGE_NR), unmovable, reclaimable: 0, room: { unmovable: unmovable * HPAGE_NR - kernelPages, reclaimable: 0 }, polluted: 0, hidden: 0, skip: 0, blockskipFlush: false, kcompactdOrder: 0, kcompactdWoken: false, proactiveAtNs: 0 };
  }

  get hasCpu(): boolean {
    return this.spec.cpus.length > 0;
  }
  /** The scenario's tier from 6.1 (explicit memory tiers); before, CPU-less nodes are tier 1. */
  tier = 0;
  get free(): number {
    let f = 0;
    for (let i = 0; i < this.zones.length; i++) f += this.zones[i].free;
    return f;
  }
  /** Free pages outside whole free 2 MiB blocks. */
  get scatteredFree(): number {
    return this.free - this.freeBlocks * HPAGE_NR;
  }

  /** Pages an allocation can take before every zone fails `mark` (zone_watermark_ok with the
   *  movable classzone's lowmem_reserve), for an order-0 request; from a task on CPU node `cpu`,
   *  also its pcp lists of the zones that pass the check (rmqueue_pcplist after the check). */
  availableAbove(mark: Wmark, cpu = -1): number {
    let a = 0;
    for (let i = 0; i < this.zones.length; i++) {
      const z = this.zones[i];
      const above = z.free - wmarkPages(z, mark) - z.reserve;
      if (above > 0) a += above + (cpu >= 0 ? z.pcp.count[cpu] : 0);
    }
    return a;
  }

  /** Free pages held on the pcp lists of the node's zones, over every CPU. */
  get pcpPages(): number {
    let t = 0;
    for (let i = 0; i < this.zones.length; i++) t += pcpPages(this.zones[i]);
    return t;
  }

  /** Sum over zones of mark + reserve: the node's free level at which allocations fail. */
  level(mark: Wmark): number {
    let l = 0;
    for (let i = 0; i < this.zones.length; i++) l += wmarkPages(this.zones[i], mark) + this.zones[i].reserve;
    return l;
  }

  /** pgdat_balanced(): any zone meets the mark (kswapd stops there). */
  balanced(mark: Wmark): boolean {
    const top = this.zones[this.zones.length - 1];
    // The highest zone is checked with no reserve; the lower ones with the reserve a movable
    // allocation leaves them.
    for (const z of this.zones) {
      const reserve = z === top ? 0 : z.reserve;
      if (z.free > wmarkPages(z, mark) + reserve) return true;
    }
    return false;
  }

  /** Pages kswapd must free for pgdat_balanced() at `mark`: the cheapest zone's deficit. */
  deficit(mark: Wmark): number {
    const top = this.zones[this.zones.length - 1];
    let best = Infinity;
    for (const z of this.zones) {
      const reserve = z === top ? 0 : z.reserve;
      // Freed pages land in zones in proportion to their use; the top zone gets most of them.
      const need = wmarkPages(z, mark) + reserve + 1 - z.free;
      if (need <= 0) return 0;
      const share = this.usedShare(z);
      if (share > 0) best = Math.min(best, Math.ceil(need / share));
    }
    return Number.isFinite(best) ? best : 0;
  }

  private usedShare(z: Zone): number {
    const used = this.totalPages - this.free - this.pcpPages;
    return used > 0 ? zoneUsed(z) / used : 0;
  }

  /** Takes `n` pages from the zones, highest zone first (the zonelist order within a node),
   *  each down to `mark` + reserve. A task's order-0 allocation (`cpu`, the node of its CPU)
   *  takes its pcp list of a zone that passes the check first. Returns pages taken (n or
   *  fewer). */
  takePages(n: number, mark: Wmark | null, cpu = -1): number {
    let left = n;
    for (let i = this.zones.length - 1; i >= 0 && left > 0; i--) {
      const z = this.zones[i];
      const floor = mark === null ? 0 : wmarkPages(z, mark) + z.reserve;
      if (cpu >= 0 && z.free > floor) {
        const p = Math.min(left, z.pcp.count[cpu]);
        z.pcp.count[cpu] -= p;
        left -= p;
      }
      const t = Math.min(left, Math.max(0, z.free - floor));
      z.free -= t;
      left -= t;
    }
    return n - left;
  }

  /** Shares of `n` freed pages per zone, in proportion to each zone's used pages (a page on
   *  the LRU is in a zone with that probability). */
  private freeShares(n: number): number[] {
    const shares = this.zones.map(() => 0);
    let left = n;
    const used = this.zones.map(zoneUsed);
    const totalUsed = used.reduce((a, b) => a + b, 0);
    for (let i = this.zones.length - 1; i >= 0 && left > 0; i--) {
      const share = i === 0 ? left : Math.min(left, used[i], Math.round((n * used[i]) / Math.max(1, totalUsed)));
      const t = Math.min(share, used[i]);
      shares[i] += t;
      left -= t;
    }
    // Rounding leftovers go to any zone with room.
    for (let i = this.zones.length - 1; i >= 0 && left > 0; i--) {
      const t = Math.min(left, used[i] - shares[i]);
      shares[i] += t;
      left -= t;
    }
    return shares;
  }

  /** Returns `n` freed pages to the zones' free lists. */
  givePages(n: number): void {
    if (n <= 0) return;
    this.freeShares(n).forEach((k, i) => { this.zones[i].free += k; });
  }

  /** Order-0 pages a task on CPU node `cpu` frees (free_unref_page): into that CPU's pcp list of
   *  each zone, the overflow to the free lists. Returns the pages that reached the free lists. */
  givePagesPcp(n: number, cpu: number): number {
    if (n <= 0) return 0;
    let toBuddy = 0;
    this.freeShares(n).forEach((k, i) => {
      const z = this.zones[i];
      const b = pcpCommit(z.pcp, cpu, k, this.kswapd.awake);
      z.free += b;
      toBuddy += b;
    });
    return toBuddy;
  }

  /** drain_all_pages() for this node's zones: every CPU's lists back to the free lists. */
  drainPcp(): number {
    let t = 0;
    for (const z of this.zones) {
      for (let c = 0; c < z.pcp.count.length; c++) {
        z.free += z.pcp.count[c];
        t += z.pcp.count[c];
        z.pcp.count[c] = 0;
      }
    }
    return t;
  }

  /** pgdat_watermark_boosted(): some zone carries a boost kswapd has not reclaimed yet. */
  boosted(): boolean {
    return this.zones.some((z) => z.boost > 0);
  }

  /** boost_watermark() on zone `zi` (default: the highest zone with free pages, which
   *  allocations take from first): raises it by a pageblock, up to watermark_boost_factor / 10000
   *  of its high mark. A zone of fewer than four pageblocks, or a factor of 0, is not boosted.
   *  Returns whether it was. */
  boostWatermark(factor: number, zi?: number): boolean {
    const z = zi !== undefined ? this.zones[zi] : [...this.zones].reverse().find((x) => x.free > 0) ?? this.zones[this.zones.length - 1];
    if (factor <= 0 || HPAGE_NR * 4 > z.managed) return false;
    const maxBoost = Math.floor((z.wmark.high * factor) / 10000);
    if (maxBoost <= 0) return false;
    const before = z.boost;
    z.boost = Math.min(z.boost + HPAGE_NR, Math.max(HPAGE_NR, maxBoost));
    return z.boost > before;
  }

  /** Keeps the free-block count within what free memory allows. */
  clampBlocks(): void {
    const max = Math.floor(this.free / HPAGE_NR);
    if (this.freeBlocks > max) this.freeBlocks = max;
    if (this.freeBlocks < 0) this.freeBlocks = 0;
  }
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Zone sizes (managed pages) of a node. Node 0 of an x86-64 machine has DMA (first 16 MiB) and
 *  DMA32 (below 4 GiB) before Normal; the QEMU presets use the zones measured in
 *  kernel-data/info.json so watermarks match the real kernel exactly. */
function zoneLayout(spec: NodeSpec, lowestNode: boolean, preset: string | undefined): { name: ZoneName; managed: number }[] {
  if (preset?.startsWith('qemu') && spec.memoryBytes === GiB) {
    if (lowestNode) return [{ name: 'DMA', managed: 3840 }, { name: 'DMA32', managed: 33706 }, { name: 'Normal', managed: 192403 }];
    return [{ name: 'Normal', managed: spec.cpus.length > 0 ? 257942 : 257798 }];
  }
  // MemTotal: installed memory less what the kernel reserves at boot.
  const managed = Math.floor((spec.memoryBytes - (spec.reservedBytes ?? 0)) / PAGE_SIZE);
  // The kernel runner's guests of other sizes keep the same 256 MiB below 4 GiB on the lowest
  // node (docs/kernel.md), so the same DMA and DMA32 zones, and the rest is ZONE_NORMAL.
  if (preset?.startsWith('qemu') && lowestNode && managed > 3840 + 33706) {
    return [{ name: 'DMA', managed: 3840 }, { name: 'DMA32', managed: 33706 }, { name: 'Normal', managed: managed - 3840 - 33706 }];
  }
  if (!lowestNode) return [{ name: 'Normal', managed }];
  // DMA is the first 16 MiB; DMA32 runs to the PCI hole below 4 GiB (about 2 GiB of RAM on a
  // large server); Normal is the rest.
  const dma = Math.min(3840, Math.floor(managed / 8));
  const dma32 = Math.min(Math.floor((2 * GiB) / PAGE_SIZE), managed - dma);
  const zones: { name: ZoneName; managed: number }[] = [{ name: 'DMA', managed: dma }, { name: 'DMA32', managed: dma32 }];
  if (managed - dma - dma32 > 0) zones.push({ name: 'Normal', managed: managed - dma - dma32 });
  return zones;
}

/** int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144] (calculate_min_free_kbytes), raised
 *  for THP to pageblock_nr_pages * nr_zones * (2 + MIGRATE_PCPTYPES^2), at most 5% of RAM
 *  (set_recommended_min_free_kbytes, run when THP is enabled=always or madvise). */
export function computeMinFreeKbytes(zoneManaged: number[], thpEnabled: boolean): number {
  const lowmemKb = zoneManaged.reduce((a, b) => a + b, 0) * 4;
  let minFree = Math.min(262144, Math.max(128, Math.floor(Math.sqrt(lowmemKb * 16))));
  if (thpEnabled) {
    const nrZones = zoneManaged.filter((m) => m > 0).length;
    let recommended = HPAGE_NR * nrZones * 2 + HPAGE_NR * nrZones * 3 * 3;
    recommended = Math.min(recommended, Math.floor(zoneManaged.reduce((a, b) => a + b, 0) / 20));
    recommended *= 4; // pages to kB
    if (recommended > minFree) minFree = recommended;
  }
  return minFree;
}

/** Builds every node's zones with watermarks as __setup_per_zone_wmarks() computes them. */
export function buildNodes(machine: Machine, knobs: KnobSettings, explicitTiers = true): { nodes: NodeState[]; minFreeKbytes: number } {
  const lowest = Math.min(...machine.nodes.map((n) => n.id));
  const layouts = machine.nodes.map((spec) => zoneLayout(spec, spec.id === lowest, machine.preset));
  const allManaged = layouts.flat().map((z) => z.managed);
  const thpOn = knobs['transparent_hugepage.enabled'] !== 'never';
  const userMin = Number(knobs['vm.min_free_kbytes'] ?? 0);
  const minFreeKbytes = userMin > 0 ? userMin : computeMinFreeKbytes(allManaged, thpOn);
  const pagesMin = Math.floor(minFreeKbytes / 4);
  const lowmemPages = allManaged.reduce((a, b) => a + b, 0);
  const scale = Number(knobs['vm.watermark_scale_factor'] ?? 10);

  const onlineCpus = machine.nodes.reduce((t, n) => t + n.cpus.length, 0);
  const nodes = machine.nodes.map((spec, i) => {
    const layout = layouts[i];
    const zones: Zone[] = layout.map((z, zi) => {
      const min = Math.floor((pagesMin * z.managed) / lowmemPages);
      const gap = Math.max(min >> 2, Math.floor((z.managed * scale) / 10000));
      // setup_per_zone_lowmem_reserve: pages of the zones above, over this zone's ratio.
      let above = 0;
      for (let j = zi + 1; j < layout.length; j++) above += layout[j].managed;
      const reserve = zi === layout.length - 1 ? 0 : Math.floor(above / LOWMEM_RESERVE_RATIO[z.name]);
      // zone_pcp_update() after the marks are set (setup_per_zone_wmarks).
      const batch = zoneBatchsize(z.managed);
      const pcp: Pcp = { count: new Array(machine.nodes.length).fill(0), batch, high: zoneHighsize(min + gap, batch, spec.cpus.length, onlineCpus) };
      return {
        name: z.name, managed: z.managed, free: z.managed, reserve, boost: 0, drained: false,
        wmark: { min, low: min + gap, high: min + 2 * gap, promo: min + 3 * gap }, pcp,
      };
    });
    const total = zones.reduce((s, z) => s + z.managed, 0);
    // Memory the kernel holds at boot (slab, page tables...): ~20 MiB plus 0.5%, as measured.
    const kernelPages = Math.min(Math.floor(total / 10), Math.floor((20 * MiB) / PAGE_SIZE + total * 0.005));
    const node = new NodeState(spec, zones, kernelPages);
    node.tier = explicitTiers ? spec.tier : spec.cpus.length ? 0 : 1;
    node.takePages(kernelPages, null);
    node.freeBlocks = Math.floor(node.free / HPAGE_NR);
    return node;
  });

  // Zonelists: node indexes by SLIT distance, ties by index (find_next_best_node). Demotion
  // targets: the nearest nodes of the next slower tier (establish_demotion_targets).
  const all = nodes.map((_, i) => i);
  nodes.forEach((node, i) => {
    node.index = i;
    const row = machine.distance[i];
    node.zonelist = [...all].sort((a, b) => row[a] - row[b] || a - b);
    const slower = nodes.filter((n) => n.tier > node.tier);
    if (slower.length > 0) {
      const nextTier = Math.min(...slower.map((n) => n.tier));
      node.demotionTargets = all.filter((j) => nodes[j].tier === nextTier).sort((a, b) => row[a] - row[b] || a - b);
    }
  });
  return { nodes, minFreeKbytes };
}
