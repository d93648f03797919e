// The state one variant's run works on, shared by the mechanism modules: the machine, the
// regions and files, the workloads and cgroups, the counters and the event log. The helpers here
// are the only places pages enter or leave a node, so free + used always equals MemTotal.

import type { Cgroup, Scenario, Workload } from '../language/model';
import { EventLog } from './events';
import { scatteredTaken } from './compaction';
import { buildNodes, HPAGE_NR, NodeState, PAGE_SIZE } from './machine';
import { lruAdd, NodeLru } from './lru';
import { DEFAULT_RESOLUTION, Region, Resolution, Slice } from './memory';
import { Rng } from './rng';
import { SwapDevice } from './swap_io';
import { DEFAULT_KERNEL, KernelBehaviour, kernelBehaviour } from './versions';
import { Vmstat } from './vmstat';

export type StallCause = 'fault' | 'compaction' | 'reclaim' | 'swapin' | 'migration';

export interface Costs {
  tlb4k: number; tlb2m: number; minorFault: number; thpFault: number; hintFault: number;
  migratePage: number; demotePage: number; reclaimPage: number; rmapWalk: number; unmapPage: number; compactStall: number; splitThp: number; fileRead: number;
}

export interface NumaScanState {
  nextScanNs: number;
  periodNs: number;
  regionIdx: number;
  page: number;
  passFaults: number;
  passLocal: number;
  /** Until when the workload's threads are busy with hint faults and the migrations they
   *  start, ns: faults queue behind each other, so pages reached late in a burst fault late. */
  faultClockNs: number;
}

export class CgroupState {
  readonly spec: Cgroup;
  /** Pages charged (memory.current / 4096). */
  charged = 0;
  maxCharged = 0;
  /** memory.events low: reclaim passes that took from it while it was under memory.low. */
  lowEvents = 0;
  constructor(spec: Cgroup) {
    this.spec = spec;
  }
}

export interface AccessState {
  region: Region;
  /** Index of the phase in the workload's phases. */
  phase: number;
  ratePerNs: number;
  writeFraction: number;
  /** Paced phases: when the phase ends. Closed-loop phases: Infinity until the work is done. */
  endNs: number;
  pattern: Workload['phases'][number] & { kind: 'access' };
  /** Closed loop: accesses still to issue; null for a paced phase. */
  workLeft: number | null;
  /** Simulated up to this time (a phase that starts within a step begins there). */
  cursorNs: number;
  /** First page of the hot set (hotset pattern). */
  hotStart: number;
  /** A paced phase's hot set moves on a time schedule: at `nextMoveNs`, then every
   *  `moveEveryNs` (Infinity: never). */
  nextMoveNs: number;
  moveEveryNs: number;
  /** A closed-loop phase's hot set moves after an amount of work: once `workDone` reaches
   *  `nextMoveWork`, then every `moveEveryWork` accesses (Infinity: never). */
  nextMoveWork: number;
  moveEveryWork: number;
  /** Accesses issued so far by the phase. */
  workDone: number;
  /** Where the hot set moves: the workload's own choice, drawn from a stream of its own so that
   *  every variant of a seed sees the same workload whatever the kernel does. */
  moveRng: Rng;
  /** Sequential pattern: page the sweep is at. */
  seqPos: number;
  /** Accesses per ns in the last step the phase issued any (0: none yet). */
  lastRatePerNs: number;
}

export interface AllocState {
  region: Region;
  phase: number;
  /** Pages per ns: the stated rate, or (closed loop) the rate the threads achieved last step. */
  ratePerNs: number;
  /** No rate given: the threads fault back to back, as fast as faults (and their stalls) allow. */
  closed: boolean;
  cursorNs: number;
}

export interface ReadState {
  region: Region;
  phase: number;
  ratePerNs: number;
  write: boolean;
  target: number;
  cursorNs: number;
}

/** Where a workload's thread time went, thread-ns. */
export interface TimeSplit {
  compute: number;
  memoryLocal: number;
  memoryRemote: number;
  memorySlowTier: number;
}

export class WorkloadState {
  readonly spec: Workload;
  readonly name: string;
  /** Node index of each CPU-bearing node the workload runs on, with its share of the CPUs. */
  cpuNodes: { node: number; weight: number }[];
  /** The node its faults are local to (numa_node_id() of the faulting CPU); NUMA balancing's
   *  task placement may move the workload (src/core/sched_numa.ts). */
  homeNode: number;
  readonly cgroup: CgroupState | null;
  readonly regions = new Map<string, Region>();
  alive = true;
  allocs: AllocState[] = [];
  reads: ReadState[] = [];
  accesses: AccessState[] = [];
  /** Start and end of each phase, ns; NaN until it happens. */
  readonly phaseStartNs: Float64Array;
  readonly phaseEndNs: Float64Array;
  /** Has a closed-loop access phase: the run waits for it to finish. */
  readonly closedLoop: boolean;
  /** The threads' clock within a step: thread time is spent up to here (closed loop). */
  clockNs = 0;
  /** Stall time (thread-ns) not yet paid by the threads' clock. */
  debtNs = 0;
  /** CPU time (thread-ns) kswapd took from the workload's busy threads (src/core/kswapd_cpu.ts):
   *  not a stall of its own, but time it lost to reclaim, so its time split counts it as such. */
  kswapdTookNs = 0;
  interleaveNext = 0;
  numab: NumaScanState;
  accessCount = 0;
  latencyNs = 0;
  remoteCount = 0;
  readonly time: TimeSplit = { compute: 0, memoryLocal: 0, memoryRemote: 0, memorySlowTier: 0 };
  readonly stallNs: Record<StallCause, number> = { fault: 0, compaction: 0, reclaim: 0, swapin: 0, migration: 0 };

  constructor(spec: Workload, cpuNodes: { node: number; weight: number }[], homeNode: number, cgroup: CgroupState | null) {
    this.spec = spec;
    this.name = spec.name;
    this.cpuNodes = cpuNodes;
    this.homeNode = homeNode;
    this.cgroup = cgroup;
    this.numab = { nextScanNs: 0, periodNs: 0, regionIdx: 0, page: 0, passFaults: 0, passLocal: 0, faultClockNs: 0 };
    this.phaseStartNs = new Float64Array(spec.phases.length).fill(NaN);
    this.phaseEndNs = new Float64Array(spec.phases.length).fill(NaN);
    this.closedLoop = spec.phases.some((p) => p.kind === 'access' && p.work !== null);
  }

  get threads(): number {
    return this.spec.threads;
  }

  /** Time in which one of the workload's threads issues nothing. */
  stall(cause: StallCause, ns: number): void {
    if (ns > 0) {
      this.stallNs[cause] += ns;
      this.debtNs += ns;
    }
  }

  /** Time stalled for every cause together, ns. */
  totalStallNs(): number {
    return Object.values(this.stallNs).reduce((a, b) => a + b, 0);
  }

  /** Every phase has ended (or the workload is gone). */
  finished(): boolean {
    if (!this.alive) return true;
    for (let i = 0; i < this.phaseEndNs.length; i++) if (Number.isNaN(this.phaseEndNs[i])) return false;
    return true;
  }
}

export class Sim {
  readonly scenario: Scenario;
  /** What the kernel version decides that no knob does (src/core/versions.ts). */
  readonly kernel: KernelBehaviour;
  readonly nodes: NodeState[];
  readonly minFreeKbytes: number;
  readonly topTier: number;
  readonly regions: Region[] = [];
  readonly files = new Map<string, Region>();
  readonly workloads: WorkloadState[] = [];
  readonly cgroups = new Map<string, CgroupState>();
  readonly vmstat = new Vmstat();
  readonly events = new EventLog();
  /** Each node's lruvec state: list positions, nonresident age, reclaim costs. */
  readonly lru: NodeLru[];
  readonly rng: Rng;
  readonly costs: Costs;
  /** latency[cpuNode][memNode], ns (by node index). */
  readonly latency: number[][];
  readonly distance: number[][];
  readonly swapTotalPages: number;
  swapUsedPages = 0;
  /** The swap device's queue and each node's pages under swap writeback (src/core/swap_io.ts). */
  readonly swapDev: SwapDevice;
  /** Bytes each node's memory moved in the current step, counted as STREAM counts them (an
   *  access's line once, a page copy's bytes on both nodes), and of them the bytes written: they
   *  make its bandwidth load for the next step. */
  readonly trafficBytes: Float64Array;
  readonly writtenBytes: Float64Array;
  nowNs = 0;
  dtNs = 0;
  private nextRegionId = 0;

  /** How finely regions are cut into slices. */
  readonly resolution: Resolution;

  constructor(scenario: Scenario, resolution: Resolution = DEFAULT_RESOLUTION) {
    this.scenario = scenario;
    this.resolution = resolution;
    this.kernel = kernelBehaviour(scenario.kernel?.version ?? DEFAULT_KERNEL);
    const built = buildNodes(scenario.machine, scenario.knobs, this.kernel.explicitTiers);
    this.nodes = built.nodes;
    this.lru = this.nodes.map(() => new NodeLru());
    this.trafficBytes = new Float64Array(this.nodes.length);
    this.writtenBytes = new Float64Array(this.nodes.length);
    this.topTier = Math.min(...this.nodes.map((x) => x.tier));
    this.minFreeKbytes = built.minFreeKbytes;
    this.rng = new Rng(scenario.run.seed);
    const k = scenario.knobs;
    const n = (name: string) => Number(k[name]);
    this.costs = {
      tlb4k: n('cost.tlb_miss_4k'), tlb2m: n('cost.tlb_miss_2m'), minorFault: n('cost.minor_fault'),
      thpFault: n('cost.thp_fault'), hintFault: n('cost.hint_fault'), migratePage: n('cost.migrate_page'), demotePage: n('cost.demote_page'),
      reclaimPage: n('cost.reclaim_page'), rmapWalk: n('cost.rmap_walk'), unmapPage: n('cost.unmap_page'), compactStall: n('cost.compact_stall'), splitThp: n('cost.split_thp'),
      fileRead: n('cost.file_read'),
    };
    this.latency = scenario.machine.latencyNs;
    this.distance = scenario.machine.distance;
    this.swapTotalPages = scenario.machine.swap ? Math.floor(scenario.machine.swap.sizeBytes / PAGE_SIZE) : 0;
    this.swapDev = new SwapDevice(this.nodes.length);
    for (const cg of scenario.cgroups) this.cgroups.set(cg.name, new CgroupState(cg));
  }

  knob(name: string): number {
    return Number(this.scenario.knobs[name]);
  }
  knobStr(name: string): string {
    return String(this.scenario.knobs[name]);
  }

  /** Makes a region cut at `cuts` (pages where the scenario makes its pages differ) besides the
   *  resolution's equal slices. */
  newRegion(name: string, kind: 'anon' | 'file', bytes: number, hugepage: boolean, owner: string, cgroup: string | null, cuts: number[] = []): Region {
    const r = new Region(this.nextRegionId++, name, kind, Math.max(1, Math.ceil(bytes / PAGE_SIZE)), hugepage, owner, cgroup, this.nodes.length, cuts, this.resolution.slicesPerRegion);
    this.regions.push(r);
    return r;
  }

  cgroupOf(region: Region): CgroupState | null {
    return region.cgroup === null ? null : this.cgroups.get(region.cgroup) ?? null;
  }

  /** Charges or uncharges a region's cgroup (memory.current). */
  charge(region: Region, pages: number): void {
    const cg = this.cgroupOf(region);
    if (!cg) return;
    cg.charged += pages;
    if (cg.charged < 0) cg.charged = 0;
    if (cg.charged > cg.maxCharged) cg.maxCharged = cg.charged;
  }

  /** Records pages the allocator has taken from node `n` as resident in the slice. */
  place(region: Region, s: Slice, n: number, pages: number, huge: boolean): void {
    if (pages <= 0) return;
    if (huge) s.huge[n] += pages;
    else s.base[n] += pages;
    // The faulting access (or the read) references the page.
    lruAdd(this, s, n, pages, region.kind === 'file' ? 'read' : 'fault');
    this.charge(region, pages);
  }

  /** Takes `pages` out of the free lists of node n, breaking free 2 MiB blocks only when the
   *  scattered free pages run out (the buddy allocator splits the smallest order that fits). */
  takeFromNode(n: number, pages: number, huge: boolean, mark: 'min' | 'low' | 'high' | 'promo' | null, cpu = -1): number {
    const node = this.nodes[n];
    if (huge) {
      const blocks = Math.min(Math.floor(pages / HPAGE_NR), node.freeBlocks);
      const got = node.takePages(blocks * HPAGE_NR, mark);
      const whole = Math.floor(got / HPAGE_NR);
      if (got > whole * HPAGE_NR) node.givePages(got - whole * HPAGE_NR);
      node.freeBlocks -= whole;
      return whole * HPAGE_NR;
    }
    const scattered = node.scatteredFree;
    const pcpBefore = node.pcpPages;
    const got = node.takePages(pages, mark, cpu);
    // Pages from a pcp list were not in the buddy's free lists.
    const buddy = got - (pcpBefore - node.pcpPages);
    scatteredTaken(node, Math.min(buddy, scattered), scattered);
    if (buddy > scattered) node.freeBlocks -= Math.ceil((buddy - scattered) / HPAGE_NR);
    node.clampBlocks();
    return got;
  }

  /** Returns pages to node n's free lists. `contiguity` is the share of them that come back as
   *  whole free 2 MiB blocks (1 for a freed THP or a whole freed range, less for LRU reclaim). */
  giveToNode(n: number, pages: number, contiguity: number, cpu = -1): void {
    if (pages <= 0) return;
    const node = this.nodes[n];
    let buddy = pages;
    if (cpu >= 0) buddy = node.givePagesPcp(pages, cpu);
    else node.givePages(pages);
    node.freeBlocks += Math.floor((buddy * contiguity) / HPAGE_NR);
    node.clampBlocks();
  }

  /** Frees base pages of a slice on node n (reclaim, DONTNEED, exit); a task's frees (`cpu`,
   *  the node of its CPU) go through that CPU's pcp lists. */
  freeBase(region: Region, s: Slice, n: number, pages: number, contiguity: number, inactiveFirst: boolean, cpu = -1): void {
    const k = Math.min(pages, s.base[n]);
    if (k <= 0) return;
    const before = s.mapped(n);
    s.base[n] -= k;
    s.dropStates(n, k, before, inactiveFirst);
    this.giveToNode(n, k, contiguity, cpu);
    this.charge(region, -k);
  }

  /** drain_all_pages(NULL): every CPU's pcp lists of every zone back to the free lists. */
  drainAllPages(): void {
    for (const node of this.nodes) {
      // Drained pages merge in the buddy only as far as their neighbours are free.
      node.drainPcp();
      node.clampBlocks();
    }
  }

  /** Frees whole THPs of a slice on node n. */
  freeHuge(region: Region, s: Slice, n: number, pages: number): void {
    const k = Math.min(pages, s.huge[n]);
    if (k <= 0) return;
    const before = s.mapped(n);
    s.huge[n] -= k;
    s.dropStates(n, k, before, false);
    this.giveToNode(n, k, 1);
    this.charge(region, -k);
  }

  /** try_to_unmap() and add_to_swap() of `thps` whole THPs and `base` pages of a slice on node n
   *  for swap-out: they leave the slice (and its cgroup's charge) but stay in the node's memory
   *  until their write completes and reclaim frees them (src/core/swap_io.ts). */
  unmapForSwap(region: Region, s: Slice, n: number, thps: number, base: number): { thps: number; base: number } {
    const h = Math.min(thps * HPAGE_NR, s.huge[n]);
    const b = Math.min(base, s.base[n]);
    if (h > 0) {
      const before = s.mapped(n);
      s.huge[n] -= h;
      s.dropStates(n, h, before, false);
    }
    if (b > 0) {
      const before = s.mapped(n);
      s.base[n] -= b;
      s.dropStates(n, b, before, true);
    }
    this.charge(region, -(h + b));
    return { thps: h / HPAGE_NR, base: b };
  }

  /** Splits THPs of a slice on node n into base pages (split_huge_page). Every split the
   *  thp_split_page counter counts is also a thp_split event, so the panel's lane agrees. */
  splitHuge(s: Slice, n: number, pages: number, cause: string): number {
    const k = Math.min(pages, s.huge[n]);
    if (k <= 0) return 0;
    s.huge[n] -= k;
    s.base[n] += k;
    this.vmstat.add('thp_split_page', k / HPAGE_NR);
    this.events.record(this.nowNs, 'thp_split', this.nodes[n].id, k, cause);
    return k;
  }

  /** Splits queued deferred THPs (deferred_split_scan): unmapped subpages are freed, mapped
   *  ones become base pages. Returns pages freed. */
  splitDeferred(region: Region, s: Slice, n: number, thps: number): number {
    const k = Math.min(thps * HPAGE_NR, s.deferred[n]);
    if (k <= 0) return 0;
    const mappedShare = Math.round((s.deferredMapped[n] * k) / s.deferred[n]);
    const freed = k - mappedShare;
    s.deferred[n] -= k;
    s.deferredMapped[n] -= mappedShare;
    s.base[n] += mappedShare;
    this.giveToNode(n, freed, 0);
    this.charge(region, -freed);
    this.vmstat.add('thp_split_page', k / HPAGE_NR);
    return freed;
  }

  /** Moves pages of a slice between nodes (migration): the target's pages must already have
   *  been taken from its free lists. `how` is what the new pages' PTEs say (src/core/lru.ts
   *  lruAdd): old after a reclaim or placement migration, young after a hint fault, whose
   *  access is retried on the new page once the fault returns. */
  movePages(s: Slice, from: number, to: number, pages: number, huge: boolean, contiguity: number, how: 'migrated' | 'hinted' = 'migrated'): void {
    const before = s.mapped(from);
    if (huge) {
      s.huge[from] -= pages;
      s.huge[to] += pages;
    } else {
      s.base[from] -= pages;
      s.base[to] += pages;
    }
    s.dropStates(from, pages, before, true);
    lruAdd(this, s, to, pages, how);
    this.giveToNode(from, pages, contiguity);
    // The copy (migrate_folio's folio_copy) reads every byte on the source node and writes it on
    // the target: the same memory bandwidth the workload's accesses need.
    this.trafficBytes[from] += pages * PAGE_SIZE;
    this.trafficBytes[to] += pages * PAGE_SIZE;
    this.writtenBytes[to] += pages * PAGE_SIZE;
  }

  /** Migrates up to `k` pages of a slice from node `from` to `to` (migrate_pages): whole THPs
   *  while the target has free 2 MiB blocks, the rest as base pages (splitting THPs for them),
   *  every allocation on the target above its `mark` watermark. `baseContiguity` is the share of
   *  the base pages that return to `from` as whole free blocks; `how` as for movePages.
   *  Returns pages moved. */
  migrateSlice(s: Slice, from: number, to: number, k: number, mark: 'min' | 'high', baseContiguity: number, how: 'migrated' | 'hinted' = 'migrated'): number {
    let moved = 0;
    const hugeK = Math.min(s.huge[from], Math.floor(k / HPAGE_NR) * HPAGE_NR);
    if (hugeK > 0) {
      const got = this.takeFromNode(to, hugeK, true, mark);
      if (got > 0) this.movePages(s, from, to, got, true, 1, how);
      moved += got;
    }
    let baseK = Math.min(k - moved, s.base[from]);
    if (baseK < k - moved && s.huge[from] > 0) {
      this.splitHuge(s, from, Math.ceil((k - moved - baseK) / HPAGE_NR) * HPAGE_NR, `migration to node ${this.nodes[to].id} moves base pages`);
      baseK = Math.min(k - moved, s.base[from]);
    }
    if (baseK > 0) {
      const got = this.takeFromNode(to, baseK, false, mark);
      if (got > 0) this.movePages(s, from, to, got, false, baseContiguity, how);
      moved += got;
    }
    return moved;
  }

  /** Node n's bandwidth load over `ns` of the step's traffic: the share of the time its memory
   *  was busy. Its traffic moves at `bandwidth`; on a device that writes slower than that
   *  (`write_bandwidth`, Optane PMEM) each written byte takes the difference on top. */
  bandwidthLoad(n: number, ns: number): number {
    const spec = this.nodes[n].spec;
    const bw = Math.max(1, spec.bandwidthBytesPerSec);
    const writeExtra = Math.max(0, 1 / Math.max(1, spec.writeBandwidthBytesPerSec) - 1 / bw);
    const busySec = this.trafficBytes[n] / bw + this.writtenBytes[n] * writeExtra;
    return ns > 0 ? busySec / (ns / 1e9) : 0;
  }

  /** Latency of one access from a CPU on node c to memory on node m, loaded by bandwidth use. */
  accessLatency(c: number, m: number, load: number): number {
    const u = Math.min(0.95, load);
    // Latency rises steeply as bandwidth use nears the peak (queueing): idle below ~40%.
    return this.latency[c][m] * (1 + (u * u) / (1 - u) * 0.5);
  }

  /** node_is_toptier(): the node is in the fastest tier present. */
  isTopTier(n: number): boolean {
    return this.nodes[n].tier === this.topTier;
  }
}
