// The workloads: each one's phases (alloc, file read/write, access, dontneed, free, exit) driven
// through the kernel paths, and the cost of its accesses. Faults go through the allocator page
// by slice; accesses are costed analytically per slice and node from the access pattern:
// latency from the CPU's node to the page's node, loaded by bandwidth use, plus the TLB cost that
// huge pages reduce, plus every stall (faults, compaction, reclaim, swap-in, migration) charged
// to the workload that suffered it.

import type { AccessPattern, Phase } from '../language/model';
import { HPAGE_NR, PAGE_SIZE } from './machine';
import type { Region, Slice } from './memory';
import { handleOverHigh, tryCharge } from './memcontrol';
import { policyTargets } from './mempolicy';
import { hintFaults } from './numa_balancing';
import { allocPages, kernelAlloc, kernelFree } from './page_alloc';
import { dontneedSlice, thpEligible, thpFault } from './huge_memory';
import { assumeRate, clearShadows, reclaimClockAtLeast, refault, touch } from './lru';
import { Rng } from './rng';
import type { AccessState, Sim, WorkloadState } from './sim';
import { dropCaches, kswapdRun } from './vmscan';

/** Sub-chunks a step's faults are cut into, with kswapd running in between. */
const SUBSTEPS = 8;
/** Pages one swap-in reads: 1 << vm.page-cluster (default 3). */
const SWAP_READAHEAD_PAGES = 8;
/** Bytes moved per access (a cache line), for bandwidth load. */
const ACCESS_BYTES = 64;

export function stochasticRound(sim: Sim, x: number): number {
  return Math.floor(x + sim.rng.next());
}

/** Allocates base pages for a slice by the workload's policy (GFP_HIGHUSER_MOVABLE: kswapd and
 *  direct reclaim allowed). Returns pages placed. */
export function allocBase(sim: Sim, wl: WorkloadState, region: Region, s: Slice, pages: number, cause: string): number {
  let placed = 0;
  for (const { target, pages: share } of policyTargets(sim, wl, pages, region.policy ?? wl.spec.mempolicy)) {
    const got = allocPages(sim, {
      wl, region, slice: s, pages: share, huge: false, preferred: target.preferred, zonelist: target.zonelist,
      directReclaim: !target.fallback, kswapd: true, compact: null, noretry: false, cause,
    });
    placed += got;
    const fb = target.fallback;
    if (fb && got < share) {
      placed += allocPages(sim, {
        wl, region, slice: s, pages: share - got, huge: false, preferred: fb.preferred, zonelist: fb.zonelist,
        directReclaim: true, kswapd: true, compact: null, noretry: false, cause,
      });
    }
  }
  return placed;
}

/** out_of_memory(): kills the workload with the most anonymous memory in the constraint (the
 *  cgroup for a memcg OOM) and frees its memory. Returns the victim. */
export function outOfMemory(sim: Sim, requester: WorkloadState, memcg: string | null, cause: string): WorkloadState | null {
  let victim: WorkloadState | null = null;
  let best = -1;
  for (const w of sim.workloads) {
    if (!w.alive || (memcg !== null && w.spec.cgroup !== memcg)) continue;
    let badness = 0;
    for (const r of w.regions.values()) if (r.kind === 'anon' && r.alive) for (const s of r.slices) badness += s.residentTotal() + s.swapped;
    if (badness > best) {
      best = badness;
      victim = w;
    }
  }
  if (!victim) return null;
  sim.vmstat.add('oom_kill', 1);
  sim.events.record(sim.nowNs, 'oom_kill', sim.nodes[requester.homeNode].id, best, cause, victim.name);
  exitWorkload(sim, victim);
  return victim;
}

/** munmap or exit of a region; `cpu` is the node of the CPU the task frees it on (its base pages
 *  pass through that CPU's pcp lists). */
export function freeRegion(sim: Sim, region: Region, cpu = -1): void {
  for (const s of region.slices) {
    for (let n = 0; n < sim.nodes.length; n++) {
      if (s.deferred[n] > 0) {
        sim.giveToNode(n, s.deferred[n], 1);
        sim.charge(region, -s.deferred[n]);
        s.deferred[n] = 0;
        s.deferredMapped[n] = 0;
      }
      sim.freeHuge(region, s, n, s.huge[n]);
      sim.freeBase(region, s, n, s.base[n], 1, false, cpu);
      s.active[n] = 0;
      s.protnone[n] = 0;
    }
    sim.swapUsedPages -= s.swapped;
    s.swapped = 0;
    s.dirty = 0;
    clearShadows(s);
  }
  // free_pgtables() at munmap or exit; a file's xarray goes with its pages.
  region.pageTables.forEach((k, n) => kernelFree(sim, n, k));
  region.pageTables.fill(0);
  freePageCacheXarray(sim, region);
  region.alive = false;
  region.weights = null;
}

export function exitWorkload(sim: Sim, wl: WorkloadState): void {
  // Whatever was still running ends with the process.
  for (let i = 0; i < wl.phaseEndNs.length; i++) {
    if (!Number.isNaN(wl.phaseStartNs[i]) && Number.isNaN(wl.phaseEndNs[i])) wl.phaseEndNs[i] = sim.nowNs;
  }
  for (const r of wl.regions.values()) if (r.kind === 'anon' && r.alive) freeRegion(sim, r, wl.homeNode);
  wl.allocs = [];
  wl.reads = [];
  wl.accesses = [];
  wl.alive = false;
}

/** Base pages one page-table page maps: a PTE page holds 512 entries of 4 KiB (x86-64), and a
 *  PMD page 512 entries of 2 MiB. A THP's PMD also has a PTE page deposited with it
 *  (pgtable_trans_huge_deposit), ready for a split, so the count is the same with THP. */
const PTE_SPAN = HPAGE_NR;
const PMD_SPAN = HPAGE_NR * HPAGE_NR;

/** __pte_alloc()/__pmd_alloc() for the first faults into pages [from, to) of an anonymous
 *  region filled in order: unmovable kernel pages placed by the task's policy. */
function allocPageTables(sim: Sim, wl: WorkloadState, region: Region, from: number, to: number): void {
  if (region.kind !== 'anon' || to <= from) return;
  const tables = (p: number) => Math.ceil(p / PTE_SPAN) + Math.ceil(p / PMD_SPAN);
  const pages = tables(to) - tables(from);
  if (pages <= 0) return;
  const [first] = policyTargets(sim, wl, pages, wl.spec.mempolicy);
  const n = kernelAlloc(sim, first.target.zonelist, pages);
  if (n >= 0) region.pageTables[n] += pages;
}

/** xa_node slots (XA_CHUNK_SIZE, lib/xarray.c with CONFIG_BASE_SMALL off). */
const XA_CHUNK_SIZE = 64;
/** radix_tree_node objects per slab page: 576-byte objects (64 slots, the tags and the header)
 *  in SLUB slabs of 2^order pages hold 7 per 4 KiB page (order 1: 14 objects in 8 KiB). */
const XA_NODES_PER_SLAB_PAGE = 7;

/** Nodes of an xarray holding indices [0, entries): a leaf per 64 indices and a level above
 *  per 64 nodes, up to a single top node (one entry at index 0 needs none). */
export function xaNodes(entries: number): number {
  if (entries <= 1) return 0;
  let nodes = 0;
  for (let span = XA_CHUNK_SIZE; ; span *= XA_CHUNK_SIZE) {
    nodes += Math.ceil(entries / span);
    if (span >= entries) return nodes;
  }
}

/** The page cache's xarray grows with the indices a read or write reaches: its new nodes are
 *  slab (radix_tree_node_cachep, SLAB_RECLAIM_ACCOUNT) allocated on the reading CPU's node. */
function growPageCacheXarray(sim: Sim, wl: WorkloadState, region: Region): void {
  const want = Math.ceil(xaNodes(region.fillCursor) / XA_NODES_PER_SLAB_PAGE);
  const have = region.xaSlab.reduce((a, b) => a + b, 0);
  if (want <= have) return;
  const n = kernelAlloc(sim, sim.nodes[wl.homeNode].zonelist, want - have, 'reclaimable');
  if (n >= 0) region.xaSlab[n] += want - have;
}

/** The xarray's nodes go when the last entries of their range do: after an invalidation
 *  (drop_caches) leaves a file region with no cached page (reclaim leaves shadow entries, which
 *  keep the nodes). */
export function freePageCacheXarray(sim: Sim, region: Region): void {
  region.xaSlab.forEach((k, n) => kernelFree(sim, n, k, 'reclaimable'));
  region.xaSlab.fill(0);
}

/** Faults `pages` more of a region in, from where its fill stopped. Returns pages faulted. */
function faultIn(sim: Sim, wl: WorkloadState, region: Region, pages: number): number {
  let done = 0;
  const huge = thpEligible(sim, region);
  pages += region.thpOwed;
  region.thpOwed = 0;
  while (done < pages && region.fillCursor < region.pages && wl.alive) {
    const s = region.sliceOf(region.fillCursor);
    const room = s.firstPage + s.pages - region.fillCursor;
    let chunk = Math.min(pages - done, room);
    if (huge && room >= HPAGE_NR) {
      chunk = Math.floor(chunk / HPAGE_NR) * HPAGE_NR;
      if (chunk === 0) {
        // Wait for a whole huge page's worth of rate, keeping what is owed for the next call.
        region.thpOwed = pages - done;
        break;
      }
    }
    if (tryCharge(sim, region, chunk, wl) === 'oom') {
      outOfMemory(sim, wl, region.cgroup, `memory.max of cgroup ${region.cgroup}`);
      break;
    }
    let baseWanted = chunk;
    if (huge && room >= HPAGE_NR) {
      const units = chunk / HPAGE_NR;
      const placedHuge = thpFault(sim, wl, region, s, units);
      const fallback = units - placedHuge / HPAGE_NR;
      sim.vmstat.add('thp_fault_fallback', fallback);
      wl.stall('fault', (placedHuge / HPAGE_NR) * sim.costs.thpFault);
      baseWanted = fallback * HPAGE_NR;
    }
    if (baseWanted > 0) {
      const placed = allocBase(sim, wl, region, s, baseWanted, 'page fault');
      wl.stall('fault', placed * sim.costs.minorFault);
      if (placed < baseWanted) {
        const victim = outOfMemory(sim, wl, null, 'page allocation failed after reclaim');
        region.fillCursor += placed + (chunk - baseWanted);
        done += placed + (chunk - baseWanted);
        if (victim === wl || !victim) break;
        continue;
      }
    }
    sim.vmstat.add('pgfault', chunk);
    allocPageTables(sim, wl, region, region.fillCursor, region.fillCursor + chunk);
    // The fault itself references the page (young PTE, a new anon page enters the LRU
    // referenced): reclaim does not see a just-faulted slice as cold.
    s.lastAccessNs = Math.max(s.lastAccessNs, sim.nowNs);
    region.fillCursor += chunk;
    done += chunk;
    handleOverHigh(sim, region, wl, chunk);
  }
  return done;
}

/** Runs an allocation for slice s and hands what it placed on each node to `after`. */
function placeCounting(sim: Sim, s: Slice, alloc: () => number, after: (placed: number, perNode: number[]) => void): number {
  const before = s.base.map((b, n) => b + s.huge[n]);
  const placed = alloc();
  if (placed > 0) after(placed, before.map((b, n) => s.base[n] + s.huge[n] - b));
  return placed;
}

/** Reads `pages` file pages starting at the read cursor into the page cache (those not cached). */
function readFile(sim: Sim, wl: WorkloadState, region: Region, pages: number, write: boolean, limit: number): number {
  let done = 0;
  while (done < pages && region.fillCursor < limit && wl.alive) {
    const s = region.sliceOf(region.fillCursor);
    const room = Math.min(s.firstPage + s.pages, limit) - region.fillCursor;
    const chunk = Math.min(pages - done, room);
    // Only pages not already cached need a page: a slice's cached pages are its first ones
    // (files are read sequentially).
    const covered = region.fillCursor + chunk - s.firstPage;
    const missing = Math.max(0, Math.min(chunk, covered - s.mappedTotal()));
    if (missing > 0) {
      if (tryCharge(sim, region, missing, wl) === 'oom') {
        outOfMemory(sim, wl, region.cgroup, `memory.max of cgroup ${region.cgroup}`);
        break;
      }
      const out = s.pages - s.mappedTotal();
      const placed = placeCounting(sim, s, () => allocBase(sim, wl, region, s, missing, 'page cache'), (k, perNode) => refault(sim, region, s, k, out, perNode));
      wl.stall('fault', placed * (write ? sim.costs.minorFault : sim.costs.fileRead));
      if (write) s.dirty += placed;
      if (placed < missing) {
        const victim = outOfMemory(sim, wl, null, 'page cache allocation failed after reclaim');
        if (victim === wl || !victim) break;
      }
      handleOverHigh(sim, region, wl, placed);
    }
    s.lastAccessNs = sim.nowNs;
    region.fillCursor += chunk;
    done += chunk;
  }
  growPageCacheXarray(sim, wl, region);
  return done;
}

// --- phases -------------------------------------------------------------------------------------

function regionFor(sim: Sim, wl: WorkloadState, name: string): Region | undefined {
  const r = wl.regions.get(name) ?? sim.files.get(name);
  return r && r.alive ? r : undefined;
}

/** Starts phase `i` of the workload at `startNs`. Phases with nothing to wait for (dontneed,
 *  free, exit, an access to a region that is gone) end where they start. */
export function startPhase(sim: Sim, wl: WorkloadState, i: number, startNs: number): void {
  const p = wl.spec.phases[i];
  wl.phaseStartNs[i] = startNs;
  const endNow = () => { wl.phaseEndNs[i] = startNs; };
  switch (p.kind) {
    case 'alloc': {
      const region = sim.newRegion(p.region, 'anon', p.bytes, p.hugepage, wl.name, wl.spec.cgroup, regionCuts(sim, [wl], p.region, p.bytes));
      region.policy = p.mbind;
      wl.regions.set(p.region, region);
      const closed = !p.rateBytesPerSec;
      const rate = closed ? wl.threads / faultNsPerPage(sim, region) : p.rateBytesPerSec! / PAGE_SIZE / 1e9;
      wl.allocs.push({ region, phase: i, ratePerNs: rate, closed, cursorNs: startNs });
      break;
    }
    case 'file': {
      let region = sim.files.get(p.file);
      if (!region || !region.alive) {
        region = sim.newRegion(p.file, 'file', p.bytes, false, wl.name, wl.spec.cgroup, regionCuts(sim, sim.workloads, p.file, p.bytes));
        sim.files.set(p.file, region);
      }
      wl.regions.set(p.file, region);
      region.fillCursor = 0;
      const rate = p.rateBytesPerSec ? p.rateBytesPerSec / PAGE_SIZE / 1e9 : 1 / Math.max(1, p.op === 'write' ? sim.costs.minorFault : sim.costs.fileRead);
      wl.reads.push({ region, phase: i, ratePerNs: rate, write: p.op === 'write', target: Math.min(region.pages, Math.ceil(p.bytes / PAGE_SIZE)), cursorNs: startNs });
      break;
    }
    case 'access': {
      const region = regionFor(sim, wl, p.region);
      if (!region) { endNow(); break; }
      wl.regions.set(p.region, region);
      const pat = p.pattern;
      const work = p.work === null ? null : p.work.kind === 'accesses' ? p.work.count : p.work.count * region.pages;
      const move = moveSchedule(sim, wl, region, p, work !== null);
      wl.accesses.push({
        region, phase: i, ratePerNs: p.accessesPerSec / 1e9, writeFraction: p.writeFraction, pattern: p,
        endNs: work !== null || p.durationNs === null ? Infinity : startNs + p.durationNs, workLeft: work, cursorNs: startNs,
        hotStart: pat.kind === 'hotset' ? hotSetStart(pat, region.pages) : 0, nextMoveNs: startNs + move.everyNs, moveEveryNs: move.everyNs, nextMoveWork: move.everyWork, moveEveryWork: move.everyWork, workDone: 0, seqPos: 0, lastRatePerNs: 0,
        moveRng: new Rng((sim.scenario.run.seed * 7919 + region.id * 104729 + wl.accesses.length) >>> 0),
      });
      break;
    }
    case 'dontneed': {
      const region = regionFor(sim, wl, p.region);
      if (region) dontneed(sim, wl, region, p);
      endNow();
      break;
    }
    case 'free': {
      const region = regionFor(sim, wl, p.region);
      if (region) {
        freeRegion(sim, region, wl.homeNode);
        for (const x of [...wl.allocs, ...wl.accesses]) if (x.region === region && Number.isNaN(wl.phaseEndNs[x.phase])) wl.phaseEndNs[x.phase] = startNs;
        wl.allocs = wl.allocs.filter((a) => a.region !== region);
        wl.accesses = wl.accesses.filter((a) => a.region !== region);
      }
      endNow();
      break;
    }
    case 'drop_caches':
      dropCaches(sim, p.mode, wl.homeNode);
      // Invalidation leaves no shadow entries: a file with no page left loses its xarray.
      if (p.mode & 1) for (const r of sim.regions) if (r.kind === 'file' && r.slices.every((s) => s.residentTotal() === 0)) freePageCacheXarray(sim, r);
      endNow();
      break;
    case 'exit':
      endNow();
      exitWorkload(sim, wl);
      break;
  }
}

/**
 * Pages where the scenario makes a region's pages differ, so that no slice mixes them
 * (memory.ts): the end of each hot set where it starts (the region's start), the edges of each
 * DONTNEED range, and bands of a zipf skew, one per doubling of the rank up to the first equal
 * slice (beyond it an equal slice spans at most a doubling: its weight varies by at most 2^s
 * across it). The phases of `workloads` that name the region count: its owner's for anonymous
 * memory, everyone's for a file.
 */
function regionCuts(sim: Sim, workloads: WorkloadState[], name: string, bytes: number): number[] {
  const pages = Math.max(1, Math.ceil(bytes / PAGE_SIZE));
  const firstSlice = pages / sim.resolution.slicesPerRegion;
  const cuts: number[] = [];
  for (const w of workloads) {
    for (const p of w.spec.phases) {
      if (p.kind === 'access' && p.region === name) {
        const pat = p.pattern;
        if (pat.kind === 'hotset') {
          const first = hotSetStart(pat, pages);
          if (first > 0) cuts.push(first);
          cuts.push(first + Math.ceil(pat.bytes / PAGE_SIZE));
        }
        if (pat.kind === 'zipf') {
          for (let j = 0; HPAGE_NR * 2 ** (j / sim.resolution.bandsPerOctave) < firstSlice; j++) cuts.push(HPAGE_NR * 2 ** (j / sim.resolution.bandsPerOctave));
        }
      } else if (p.kind === 'dontneed' && p.region === name && p.perBytes === null && p.bytes > 0) {
        const first = Math.floor(p.offsetBytes / PAGE_SIZE);
        cuts.push(first, first + Math.ceil(p.bytes / PAGE_SIZE));
      }
    }
  }
  return cuts;
}

/** The first page of a hot set before it ever moves: the region's start, or the middle of the
 *  region for a `centered` one (pmbench's normal patterns put their mean at the map's middle). */
function hotSetStart(pat: Extract<AccessPattern, { kind: 'hotset' }>, pages: number): number {
  return pat.centered ? Math.max(0, Math.floor((pages - Math.ceil(pat.bytes / PAGE_SIZE)) / 2)) : 0;
}

/**
 * When a hot set moves. A paced phase moves it on a time schedule (`moves every N accesses` is N
 * at the phase's rate). A closed-loop phase moves it after an amount of work, so a kernel that
 * slows the workload down moves it later: `moves every TIME` is the accesses the threads would
 * issue in that time if every access were local and unloaded, with no stall (docs/model.md).
 */
function moveSchedule(sim: Sim, wl: WorkloadState, region: Region, p: Phase & { kind: 'access' }, closed: boolean): { everyNs: number; everyWork: number } {
  const never = { everyNs: Infinity, everyWork: Infinity };
  const pat = p.pattern;
  if (pat.kind !== 'hotset') return never;
  const work = pat.moveEveryWork ? (pat.moveEveryWork.kind === 'accesses' ? pat.moveEveryWork.count : pat.moveEveryWork.count * region.pages) : null;
  const timeNs = pat.moveEveryNs;
  if (work === null && timeNs === null) return never;
  if (closed) {
    const nominalNs = wl.spec.computePerAccessNs + sim.latency[wl.homeNode][wl.homeNode] / wl.spec.mlp;
    return { everyNs: Infinity, everyWork: Math.max(1, work ?? (timeNs! * wl.threads) / nominalNs) };
  }
  return { everyNs: Math.max(1, timeNs ?? (work! / p.accessesPerSec) * 1e9), everyWork: Infinity };
}

/** Thread time one fault of this region costs, per 4 KiB page, before any stall. */
function faultNsPerPage(sim: Sim, region: Region): number {
  return Math.max(1, thpEligible(sim, region) ? sim.costs.thpFault / HPAGE_NR : sim.costs.minorFault);
}

function dontneed(sim: Sim, wl: WorkloadState, region: Region, p: Phase & { kind: 'dontneed' }): void {
  const bytes = p.bytes > 0 ? p.bytes : region.pages * PAGE_SIZE;
  const hpage = HPAGE_NR * PAGE_SIZE;
  if (p.perBytes !== null) {
    // The first `bytes` of every `perBytes` chunk, over the whole region.
    const share = Math.min(1, bytes / p.perBytes);
    let whole = 0;
    let partial = 0;
    let partialUnmap = 0;
    if (p.perBytes <= hpage) {
      // Every THP loses `share` of its subpages (e.g. 1 MiB per 2 MiB: half of each).
      if (share >= 1) whole = 1;
      else { partial = 1; partialUnmap = share; }
    } else {
      const thpsPerChunk = p.perBytes / hpage;
      const wholeThps = Math.floor(bytes / hpage);
      const rest = (bytes - wholeThps * hpage) / hpage;
      whole = wholeThps / thpsPerChunk;
      if (rest > 0) { partial = 1 / thpsPerChunk; partialUnmap = rest; }
    }
    const contiguity = bytes >= hpage ? 1 : 0;
    const pattern = { period: Math.round(p.perBytes / PAGE_SIZE), offset: Math.round(p.offsetBytes / PAGE_SIZE), len: Math.ceil(bytes / PAGE_SIZE) };
    for (const s of region.slices) dontneedSlice(sim, wl, region, s, share, whole, partial, partialUnmap, contiguity, pattern);
    return;
  }
  const first = Math.floor(p.offsetBytes / PAGE_SIZE);
  const last = Math.min(region.pages, first + Math.ceil(bytes / PAGE_SIZE));
  for (const s of region.slices) {
    const a = Math.max(first, s.firstPage);
    const b = Math.min(last, s.firstPage + s.pages);
    if (b <= a) continue;
    const share = (b - a) / s.pages;
    // A range ending inside a THP leaves that THP partially mapped.
    const edgeThps = ((a % HPAGE_NR !== 0 ? 1 : 0) + (b % HPAGE_NR !== 0 && b < s.firstPage + s.pages ? 1 : 0));
    const thpsInSlice = Math.max(1, s.pages / HPAGE_NR);
    const partial = Math.min(share, edgeThps / thpsInSlice);
    dontneedSlice(sim, wl, region, s, share, Math.max(0, share - partial), partial, 0.5, 1);
  }
}

// --- access cost ----------------------------------------------------------------------------------

/** Pages an access of this region can land on, per slice. */
function accessible(region: Region, s: Slice): number {
  return region.kind === 'file' ? s.pages : s.populated();
}

/** Pages an access can land on in each slice of the region, as they are now. */
function accessibleBySlice(r: Region): Float64Array {
  const pop = new Float64Array(r.slices.length);
  for (let i = 0; i < r.slices.length; i++) pop[i] = accessible(r, r.slices[i]);
  return pop;
}

/** Share of the accesses that land in each slice, from the access pattern (`pop`: each slice's
 *  accessible pages). */
function patternWeights(sim: Sim, a: AccessState, pop: Float64Array): Float64Array {
  const r = a.region;
  const w = new Float64Array(r.slices.length);
  const pat: AccessPattern = a.pattern.pattern;
  let total = 0;
  if (pat.kind === 'zipf') {
    // Rank follows address order; the slice's weight is the integral of x^-s over its ranks.
    const F = (x: number) => (Math.abs(pat.exponent - 1) < 1e-9 ? Math.log(x + 1) : ((x + 1) ** (1 - pat.exponent) - 1) / (1 - pat.exponent));
    let cum = 0;
    r.slices.forEach((_, i) => {
      w[i] = F(cum + pop[i]) - F(cum);
      cum += pop[i];
      total += w[i];
    });
  } else if (pat.kind === 'hotset') {
    const hotPages = Math.min(r.pages, Math.ceil(pat.bytes / PAGE_SIZE));
    const hot = new Float64Array(r.slices.length);
    const cold = new Float64Array(r.slices.length);
    let hotTotal = 0;
    let coldTotal = 0;
    r.slices.forEach((s, i) => {
      const density = pop[i] / s.pages;
      const overlap = overlapWrapped(a.hotStart, hotPages, r.pages, s.firstPage, s.pages);
      hot[i] = overlap * density;
      cold[i] = (s.pages - overlap) * density;
      hotTotal += hot[i];
      coldTotal += cold[i];
    });
    const hf = coldTotal > 0 ? pat.hotFraction : 1;
    r.slices.forEach((_, i) => {
      w[i] = (hotTotal > 0 ? (hf * hot[i]) / hotTotal : 0) + (coldTotal > 0 ? ((1 - hf) * cold[i]) / coldTotal : 0);
      total += w[i];
    });
  } else {
    for (let i = 0; i < w.length; i++) {
      w[i] = pop[i];
      total += w[i];
    }
  }
  if (total > 0) for (let i = 0; i < w.length; i++) w[i] /= total;
  return w;
}

function overlapWrapped(start: number, len: number, size: number, a: number, n: number): number {
  const seg = (s: number, e: number) => Math.max(0, Math.min(e, a + n) - Math.max(s, a));
  const end = start + len;
  return end <= size ? seg(start, end) : seg(start, size) + seg(0, end - size);
}

/** Entries of the second-level TLB, shared by 4 KiB and 2 MiB translations (1536 on AMD Zen
 *  and Zen 2, Intel Skylake server): the reach beyond which random accesses miss it. */
const STLB_ENTRIES = 1536;
/** Bytes an access touches (a cache line): a sequential sweep crosses a page every
 *  PAGE_SIZE / ACCESS_BYTES accesses. */
const LINES_PER_PAGE = PAGE_SIZE / ACCESS_BYTES;

/** Share of accesses spread uniformly over `pages` pages that miss a TLB of `reach` pages. */
function missShare(pages: number, reach: number): number {
  return pages <= reach ? 0 : 1 - reach / pages;
}

/** What one access of a phase costs on average where its pages are now, ns: memory latency with
 *  the page walk (before memory-level parallelism), split by where the memory is. */
export interface AccessCost {
  latency: number;
  local: number;
  remote: number;
  slowTier: number;
  remoteShare: number;
}

/** The node the page tables of a region sit on, for accesses from CPU node `cn`: page-table
 *  pages are allocated by the task's policy at fault time (pte_alloc with GFP_PGTABLE_USER), so
 *  they sit with the data unless the data has a VMA policy of its own (mbind). */
function pageTableNode(sim: Sim, wl: WorkloadState, r: Region, dataNode: number): number {
  if (!r.policy) return dataNode;
  const pol = wl.spec.mempolicy;
  if (pol.mode === 'local' || pol.mode === 'interleave' || pol.mode === 'weighted-interleave' || pol.nodes.length === 0) return wl.homeNode;
  const home = sim.nodes[wl.homeNode].id;
  const id = pol.nodes.includes(home) ? home : pol.nodes[0];
  const i = sim.nodes.findIndex((n) => n.id === id);
  return i < 0 ? wl.homeNode : i;
}

/** Moves the hot set when it is due and returns each slice's share of the phase's accesses
 *  (`w`) and accessible pages (`pop`). */
function phaseWeights(sim: Sim, a: AccessState): { w: Float64Array; pop: Float64Array } {
  const r = a.region;
  const pat = a.pattern.pattern;
  if (pat.kind === 'hotset' && (sim.nowNs >= a.nextMoveNs || a.workDone >= a.nextMoveWork)) {
    a.hotStart = a.moveRng.int(r.pages);
    if (sim.nowNs >= a.nextMoveNs) a.nextMoveNs += a.moveEveryNs;
    else a.nextMoveWork += a.moveEveryWork;
    // The hot set's new edges become slice boundaries: no slice is part hot, part cold.
    r.splitAt(a.hotStart);
    r.splitAt((a.hotStart + Math.ceil(pat.bytes / PAGE_SIZE)) % r.pages);
  }
  const pop = accessibleBySlice(r);
  return { w: patternWeights(sim, a, pop), pop };
}

/** TLB miss shares of the phase's accesses for 4 KiB and 2 MiB translations. */
function tlbMisses(a: AccessState, populated: number): { m4k: number; m2m: number } {
  const pat = a.pattern.pattern;
  const r4 = STLB_ENTRIES, r2 = STLB_ENTRIES * HPAGE_NR;
  if (pat.kind === 'sequential') return { m4k: 1 / LINES_PER_PAGE, m2m: 1 / (LINES_PER_PAGE * HPAGE_NR) };
  if (pat.kind === 'hotset') {
    const hot = Math.min(populated, Math.ceil(pat.bytes / PAGE_SIZE));
    const cold = Math.max(0, populated - hot);
    const hf = cold > 0 ? pat.hotFraction : 1;
    return {
      m4k: hf * missShare(hot, r4) + (1 - hf) * missShare(cold, r4),
      m2m: hf * missShare(hot, r2) + (1 - hf) * missShare(cold, r2),
    };
  }
  return { m4k: missShare(populated, r4), m2m: missShare(populated, r2) };
}

/** accessCost's per (CPU node, memory node) figures, reused from call to call (a typed array
 *  per call was most of what a step allocated). */
let pairScratch = { lat: new Float64Array(0), walk: new Float64Array(0) };

/** The mean cost of one access of the phase with its pages where they are now, the load on each
 *  node's memory (`load`, share of peak bandwidth) included. `pop`: each slice's accessible
 *  pages. */
export function accessCost(sim: Sim, wl: WorkloadState, a: AccessState, w: Float64Array, pop: Float64Array, load: Float64Array): AccessCost {
  const r = a.region;
  const c = sim.costs;
  let populated = 0;
  for (let i = 0; i < pop.length; i++) populated += pop[i];
  const { m4k, m2m } = tlbMisses(a, populated);
  const out: AccessCost = { latency: 0, local: 0, remote: 0, slowTier: 0, remoteShare: 0 };
  // What an access from CPU node cn to a page on node n costs does not depend on the slice: the
  // loaded latency and the 4 KiB walk, once per pair (cpu node k, memory node n) at k * N + n.
  // A 4 KiB walk's leaf PTE read goes to the page tables' node; a 2 MiB walk ends at a PMD that
  // stays cached (a PMD page maps 1 GiB).
  const N = sim.nodes.length;
  const cpus = wl.cpuNodes;
  if (pairScratch.lat.length < cpus.length * N) pairScratch = { lat: new Float64Array(cpus.length * N), walk: new Float64Array(cpus.length * N) };
  const latAt = pairScratch.lat;
  const walkAt = pairScratch.walk;
  for (let k = 0; k < cpus.length; k++) {
    const cn = cpus[k].node;
    for (let n = 0; n < N; n++) {
      const pt = pageTableNode(sim, wl, r, n);
      latAt[k * N + n] = sim.accessLatency(cn, n, load[n]);
      walkAt[k * N + n] = c.tlb4k * (sim.latency[cn][pt] / sim.latency[cn][cn]) * m4k;
    }
  }
  let covered = 0;
  for (let i = 0; i < r.slices.length; i++) {
    if (w[i] <= 0) continue;
    const s = r.slices[i];
    const p = pop[i];
    if (p <= 0) continue;
    covered += w[i];
    for (let n = 0; n < N; n++) {
      const m = s.mapped(n);
      if (m <= 0) continue;
      const share = (w[i] * m) / p;
      const hugeShare = s.huge[n] / m;
      for (let k = 0; k < cpus.length; k++) {
        const cn = cpus[k].node;
        const weight = cpus[k].weight;
        const ns = latAt[k * N + n] + hugeShare * c.tlb2m * m2m + (1 - hugeShare) * walkAt[k * N + n];
        const x = share * weight * ns;
        out.latency += x;
        if (!sim.isTopTier(n)) out.slowTier += x;
        else if (cn === n) out.local += x;
        else out.remote += x;
        if (cn !== n) out.remoteShare += share * weight;
      }
    }
    // Pages out of memory: swapped anon pages fault back in, uncached file pages are read; the
    // access itself then goes to where the page lands (local).
    const missing = r.kind === 'file' ? Math.max(0, s.pages - s.mappedTotal()) : s.swapped;
    if (missing > 0) {
      const share = (w[i] * missing) / p;
      for (const { node: cn, weight } of wl.cpuNodes) {
        const x = share * weight * (sim.latency[cn][wl.homeNode] + c.tlb4k * m4k);
        out.latency += x;
        out.local += x;
      }
    }
  }
  if (covered <= 0) {
    // Nothing mapped to land on: the access costs a local one.
    const x = sim.latency[wl.homeNode][wl.homeNode] + c.tlb4k * m4k;
    return { latency: x, local: x, remote: 0, slowTier: 0, remoteShare: 0 };
  }
  return out;
}

/**
 * What `accesses` accesses of the phase from `fromNs` over `activeNs` do to the pages they land on: hint faults
 * on PROT_NONE pages, swap-ins and page-cache misses, LRU activation, dirtying, bandwidth use.
 */
export function applyAccesses(sim: Sim, wl: WorkloadState, a: AccessState, w: Float64Array, accesses: number, fromNs: number, activeNs: number): void {
  const r = a.region;
  const ratePerNs = accesses / Math.max(1, activeNs);
  if (accesses > 0) a.lastRatePerNs = ratePerNs;
  const tieringTpp = sim.scenario.knobs['patch.tpp_active_lru_filter'] === true;
  for (let i = 0; i < r.slices.length; i++) {
    if (w[i] <= 0) continue;
    const s = r.slices[i];
    const pop = accessible(r, s);
    if (pop <= 0) continue;
    s.lastAccessNs = sim.nowNs;
    // Referenced bits (and page-cache activation) from the share of pages the accesses touched.
    touch(sim, r, s, (accesses * w[i]) / pop, activeNs);
    // A step with no access (the threads stalled throughout) leaves every slice at the rate it
    // was last accessed at; one populated since takes its share of the phase's last rate, as
    // the accesses between the stalls spread over it like the rest.
    if (accesses <= 0 && s.lru.rate === 0 && a.lastRatePerNs > 0) assumeRate(sim, s, (a.lastRatePerNs * w[i]) / pop);
    if (accesses <= 0) continue;
    const acc = accesses * w[i];
    const reuse = pop / (ratePerNs * w[i]);
    const touched = 1 - Math.exp(-activeNs / reuse);
    for (let n = 0; n < sim.nodes.length; n++) {
      const m = s.mapped(n);
      if (m <= 0) continue;
      // Each access moves its line once (a store: in for ownership, its write-back counted as
      // STREAM counts a store, once); the stores' share of it is written.
      const bytes = ((acc * m) / pop) * ACCESS_BYTES;
      sim.trafficBytes[n] += bytes;
      sim.writtenBytes[n] += bytes * a.writeFraction;
      if (s.protnone[n] > 0) hintFaults(sim, wl, s, n, s.protnone[n] * touched, reuse, fromNs, fromNs + activeNs);
      // TPP keeps a demoted page inactive until a hint fault: it counts as accessed only then.
      if (touched > 0 && !(tieringTpp && !sim.isTopTier(n))) s.demoted[n] = 0;
    }
    const missing = r.kind === 'file' ? Math.max(0, s.pages - s.mappedTotal()) : s.swapped;
    if (missing > 0) {
      const k = Math.min(missing, stochasticRound(sim, missing * touched));
      if (k > 0) bringIn(sim, wl, r, s, k);
    }
    if (r.kind === 'file' && a.writeFraction > 0) s.dirty = Math.min(s.mappedTotal(), s.dirty + Math.round(acc * a.writeFraction));
  }
}

/** Books `accesses` accesses at `cost` to the workload: counters and its thread time. */
function bookAccesses(wl: WorkloadState, cost: AccessCost, accesses: number): void {
  if (accesses <= 0) return;
  const mlp = wl.spec.mlp;
  wl.accessCount += accesses;
  wl.latencyNs += accesses * cost.latency;
  wl.remoteCount += accesses * cost.remoteShare;
  wl.time.compute += accesses * wl.spec.computePerAccessNs;
  wl.time.memoryLocal += (accesses * cost.local) / mlp;
  wl.time.memoryRemote += (accesses * cost.remote) / mlp;
  wl.time.memorySlowTier += (accesses * cost.slowTier) / mlp;
}

/** Swap-in (do_swap_page, a major fault) or page-cache read of `k` pages of a slice. */
function bringIn(sim: Sim, wl: WorkloadState, r: Region, s: Slice, k: number): void {
  if (tryCharge(sim, r, k, wl) === 'oom') {
    outOfMemory(sim, wl, r.cgroup, `memory.max of cgroup ${r.cgroup}`);
    return;
  }
  const out = r.kind === 'file' ? s.pages - s.mappedTotal() : s.swapped;
  const placed = placeCounting(sim, s, () => allocBase(sim, wl, r, s, k, r.kind === 'file' ? 'page cache' : 'swap-in'), (got, perNode) => refault(sim, r, s, got, out, perNode));
  if (r.kind === 'file') {
    wl.stall('fault', placed * sim.costs.fileRead);
    return;
  }
  s.swapped -= placed;
  sim.swapUsedPages -= placed;
  // Swap readahead (vm.page-cluster = 3): a major fault reads the 8 neighbouring swap slots,
  // written out together by reclaim, in one I/O. Gorman's demo: ~1 GB swapped, 30,197 major
  // faults, about 8.7 pages per fault.
  const faults = Math.ceil(placed / SWAP_READAHEAD_PAGES);
  sim.vmstat.add('pswpin', placed);
  sim.vmstat.add('pgmajfault', faults);
  const swap = sim.scenario.machine.swap;
  const stall = swap ? faults * swap.latencyNs + (placed * PAGE_SIZE * 1e9) / swap.bandwidthBytesPerSec : 0;
  wl.stall('swapin', stall);
  if (placed > 0) sim.events.record(sim.nowNs, 'swap_in', sim.nodes[wl.homeNode].id, placed, 'major fault on a swapped-out page', wl.name, stall);
}

// --- one step of a workload ---------------------------------------------------------------------
//
// Paced phases (a rate) go at their rate whatever happens. Closed-loop phases (an alloc without a
// rate, an access with an amount of work) spend the threads' time: the workload's clock
// (`wl.clockNs`) advances by thread time / threads as they fault or access, and every stall
// charged to the workload (fault, compaction, reclaim, swap-in, migration) is time in which a
// thread issues nothing: it is paid from the same clock before more work is done.

/** Pays the workload's stall debt from its threads' time up to `limitNs`. */
function payDebt(wl: WorkloadState, limitNs: number): void {
  if (wl.debtNs <= 0 || wl.clockNs >= limitNs) return;
  const pay = Math.min(wl.debtNs, (limitNs - wl.clockNs) * wl.threads);
  wl.debtNs -= pay;
  wl.clockNs += pay / wl.threads;
}

/** Starts every phase whose start time or predecessor's end falls before `t1`. Returns whether
 *  any started. */
function startDuePhases(sim: Sim, wl: WorkloadState, t0: number, t1: number): boolean {
  let any = false;
  const phases = wl.spec.phases;
  for (let i = 0; i < phases.length && wl.alive; i++) {
    if (!Number.isNaN(wl.phaseStartNs[i])) continue;
    const p = phases[i];
    const at = p.after === null ? p.atNs : wl.phaseEndNs[p.after];
    if (Number.isNaN(at) || at >= t1) continue;
    const startNs = Math.max(at, t0);
    const closedAlloc = p.kind === 'alloc' && !p.rateBytesPerSec;
    if ((wl.closedLoop || closedAlloc) && wl.clockNs < startNs) wl.clockNs = startNs;
    startPhase(sim, wl, i, startNs);
    any = true;
  }
  return any;
}

/** Faults and file I/O of the step, with kswapd running in between (they happen at the same
 *  time: the step's faults go in sub-chunks, kswapd gets its share of the step between them). */
function faultStep(sim: Sim, wl: WorkloadState, t0: number, t1: number): void {
  const span = (from: number) => Math.max(0, t1 - Math.max(t0, from));
  const anyClosed = wl.allocs.some((al) => al.closed);
  // Stalls still owed from before come first.
  if (anyClosed) payDebt(wl, t1);
  const alloc = wl.allocs.map((al) => {
    if (!al.closed) return stochasticRound(sim, al.ratePerNs * span(al.cursorNs));
    // Back to back: as many faults as the threads' time left in the step pays for, at what a
    // page cost last time (stalls included); what they really cost is charged as they happen.
    const left = Math.max(0, (t1 - Math.max(wl.clockNs, al.cursorNs)) * wl.threads);
    return Math.min(al.region.pages - al.region.fillCursor, stochasticRound(sim, (left * al.ratePerNs) / wl.threads));
  });
  const read = wl.reads.map((rd) => stochasticRound(sim, rd.ratePerNs * span(rd.cursorNs)));
  const before = wl.allocs.map((al) => al.region.fillCursor);
  const stallBefore = wl.totalStallNs();
  for (let sub = 0; sub < SUBSTEPS && wl.alive; sub++) {
    const part = (total: number) => Math.floor((total * (sub + 1)) / SUBSTEPS) - Math.floor((total * sub) / SUBSTEPS);
    reclaimClockAtLeast(sim, t0 + ((t1 - t0) * sub) / SUBSTEPS);
    wl.allocs.forEach((al, i) => faultIn(sim, wl, al.region, part(alloc[i])));
    wl.reads.forEach((rd, i) => readFile(sim, wl, rd.region, part(read[i]), rd.write, rd.target));
    for (let n = 0; n < sim.nodes.length; n++) kswapdRun(sim, n, ((t1 - t0) * sim.nodes[n].kswapd.cpuShare) / SUBSTEPS);
  }
  if (!wl.alive) return;
  const closedPages = wl.allocs.reduce((t, al, i) => t + (al.closed ? al.region.fillCursor - before[i] : 0), 0);
  if (closedPages > 0) {
    // What a page cost this step, stalls included, sets how many the threads fault next step.
    const nsPerPage = (wl.totalStallNs() - stallBefore) / closedPages;
    for (const al of wl.allocs) if (al.closed) al.ratePerNs = wl.threads / Math.max(1, nsPerPage);
  }
  if (anyClosed) payDebt(wl, t1);
  const endOf = (cursorNs: number, closed: boolean, done: number, asked: number) =>
    closed ? Math.min(t1, wl.clockNs) : Math.max(t0, cursorNs) + (asked > 0 ? (Math.min(done, asked) / asked) * span(cursorNs) : 0);
  wl.allocs.forEach((al, i) => {
    // A closed-loop alloc is done when its pages are in and its threads have sat out every
    // stall they took: until then it stays, faulting nothing, and pays its debt step by step.
    const filled = al.region.fillCursor >= al.region.pages && (!al.closed || wl.debtNs <= 0);
    if (filled || !al.region.alive) wl.phaseEndNs[al.phase] = endOf(al.cursorNs, al.closed, al.region.fillCursor - before[i], alloc[i]);
    al.cursorNs = t1;
  });
  wl.reads.forEach((rd) => {
    if (rd.region.fillCursor >= rd.target) wl.phaseEndNs[rd.phase] = Math.max(t0, rd.cursorNs) + span(rd.cursorNs) * 0.5;
    rd.cursorNs = t1;
  });
  wl.allocs = wl.allocs.filter((al) => Number.isNaN(wl.phaseEndNs[al.phase]));
  wl.reads = wl.reads.filter((rd) => Number.isNaN(wl.phaseEndNs[rd.phase]));
}

/** The access phases' part of the step. */
function accessPhasesStep(sim: Sim, wl: WorkloadState, t0: number, t1: number, load: Float64Array): void {
  for (const a of wl.accesses) {
    if (!a.region.alive) {
      wl.phaseEndNs[a.phase] = Math.max(t0, a.cursorNs);
      continue;
    }
    if (a.cursorNs >= t1) continue;
    const from = Math.max(t0, a.cursorNs);
    const { w, pop } = phaseWeights(sim, a);
    const cost = accessCost(sim, wl, a, w, pop, load);
    if (a.workLeft === null) {
      const to = Math.min(t1, a.endNs);
      const activeNs = to - from;
      if (activeNs <= 0) continue;
      const accesses = a.ratePerNs * activeNs;
      applyAccesses(sim, wl, a, w, accesses, from, activeNs);
      bookAccesses(wl, cost, accesses);
      a.workDone += accesses;
      a.cursorNs = to;
      if (a.endNs <= t1) wl.phaseEndNs[a.phase] = a.endNs;
      continue;
    }
    // Closed loop: each thread issues one access after the other; an access takes the compute
    // per access plus its memory latency over the memory-level parallelism.
    const perAccess = wl.spec.computePerAccessNs + cost.latency / wl.spec.mlp;
    payDebt(wl, t1);
    const startNs = Math.max(from, wl.clockNs);
    const threadNs = Math.max(0, (t1 - startNs) * wl.threads);
    const accesses = Math.min(a.workLeft, threadNs / Math.max(1e-3, perAccess));
    const activeNs = (accesses * perAccess) / wl.threads;
    applyAccesses(sim, wl, a, w, accesses, startNs, Math.max(1, activeNs));
    bookAccesses(wl, cost, accesses);
    a.workLeft -= accesses;
    a.workDone += accesses;
    wl.clockNs = startNs + activeNs;
    // The stalls these accesses met (hint faults, swap-ins) hold the threads too.
    payDebt(wl, t1);
    a.cursorNs = t1;
    if (a.workLeft <= 1e-6 && wl.debtNs <= 0) wl.phaseEndNs[a.phase] = wl.clockNs;
  }
  wl.accesses = wl.accesses.filter((a) => Number.isNaN(wl.phaseEndNs[a.phase]) && a.region.alive);
}

/** Advances a workload over [t0, t1): phases that start (also those that follow a phase ending
 *  within the step), faults, file I/O, accesses. */
export function stepWorkload(sim: Sim, wl: WorkloadState, t0: number, t1: number, load: Float64Array): void {
  if (wl.clockNs < t0) wl.clockNs = t0;
  for (let round = 0; round < 8 && wl.alive; round++) {
    const started = startDuePhases(sim, wl, t0, t1);
    if (!wl.alive) return;
    if (round > 0 && !started) break;
    if (wl.allocs.length > 0 || wl.reads.length > 0) faultStep(sim, wl, t0, t1);
    if (!wl.alive) return;
    accessPhasesStep(sim, wl, t0, t1, load);
  }
  // Paced load does not wait for its stalls: with no closed-loop phase running they are not owed.
  const closedRunning = wl.allocs.some((al) => al.closed) || wl.accesses.some((a) => a.workLeft !== null);
  if (!closedRunning) wl.debtNs = 0;
}
