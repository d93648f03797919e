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
import { allocPages } from './page_alloc';
import { dontneedSlice, thpEligible, thpFault } from './huge_memory';
import { Rng } from './rng';
import type { AccessState, Sim, WorkloadState } from './sim';
import { dropCaches, kswapdRun } from './vmscan';

/** A page reused more often than this is referenced by every LRU pass: it sits on the active
 *  list. */
const ACTIVE_REUSE_NS = 10e9;
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
  for (const { target, pages: share } of policyTargets(sim, wl, pages)) {
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

export function freeRegion(sim: Sim, region: Region): void {
  for (const s of region.slices) {
    for (let n = 0; n < sim.nodes.length; n++) {
      if (s.deferred[n] > 0) {
        sim.giveToNode(n, s.deferred[n], 1);
        sim.charge(region, -s.deferred[n]);
        s.deferred[n] = 0;
        s.deferredMapped[n] = 0;
      }
      sim.freeHuge(region, s, n, s.huge[n]);
      sim.freeBase(region, s, n, s.base[n], 1, false);
      s.active[n] = 0;
      s.protnone[n] = 0;
    }
    sim.swapUsedPages -= s.swapped;
    s.swapped = 0;
    s.dirty = 0;
  }
  region.alive = false;
  region.weights = null;
}

export function exitWorkload(sim: Sim, wl: WorkloadState): void {
  for (const r of wl.regions.values()) if (r.kind === 'anon' && r.alive) freeRegion(sim, r);
  wl.allocs = [];
  wl.reads = [];
  wl.accesses = [];
  wl.alive = false;
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
    // The fault itself references the page (young PTE, a new anon page enters the LRU
    // referenced): reclaim does not see a just-faulted slice as cold.
    s.lastAccessNs = Math.max(s.lastAccessNs, sim.nowNs);
    region.fillCursor += chunk;
    done += chunk;
    handleOverHigh(sim, region, wl);
  }
  return done;
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
      const placed = allocBase(sim, wl, region, s, missing, 'page cache');
      wl.stall('fault', placed * (write ? sim.costs.minorFault : sim.costs.fileRead));
      if (write) s.dirty += placed;
      if (placed < missing) {
        const victim = outOfMemory(sim, wl, null, 'page cache allocation failed after reclaim');
        if (victim === wl || !victim) break;
      }
      handleOverHigh(sim, region, wl);
    }
    s.lastAccessNs = sim.nowNs;
    region.fillCursor += chunk;
    done += chunk;
  }
  return done;
}

// --- phases -------------------------------------------------------------------------------------

function defaultFaultRate(sim: Sim, region: Region): number {
  // "As fast as faults allow": one fault at a time, pages per ns.
  return thpEligible(sim, region) ? HPAGE_NR / Math.max(1, sim.costs.thpFault) : 1 / Math.max(1, sim.costs.minorFault);
}

function regionFor(sim: Sim, wl: WorkloadState, name: string): Region | undefined {
  const r = wl.regions.get(name) ?? sim.files.get(name);
  return r && r.alive ? r : undefined;
}

export function startPhase(sim: Sim, wl: WorkloadState, p: Phase): void {
  switch (p.kind) {
    case 'alloc': {
      const region = sim.newRegion(p.region, 'anon', p.bytes, p.hugepage, wl.name, wl.spec.cgroup);
      wl.regions.set(p.region, region);
      const rate = p.rateBytesPerSec ? p.rateBytesPerSec / PAGE_SIZE / 1e9 : defaultFaultRate(sim, region);
      wl.allocs.push({ region, ratePerNs: rate });
      break;
    }
    case 'file': {
      let region = sim.files.get(p.file);
      if (!region || !region.alive) {
        region = sim.newRegion(p.file, 'file', p.bytes, false, wl.name, wl.spec.cgroup);
        sim.files.set(p.file, region);
      }
      wl.regions.set(p.file, region);
      region.fillCursor = 0;
      const rate = p.rateBytesPerSec ? p.rateBytesPerSec / PAGE_SIZE / 1e9 : 1 / Math.max(1, p.op === 'write' ? sim.costs.minorFault : sim.costs.fileRead);
      wl.reads.push({ region, ratePerNs: rate, write: p.op === 'write', target: Math.min(region.pages, Math.ceil(p.bytes / PAGE_SIZE)) });
      break;
    }
    case 'access': {
      const region = regionFor(sim, wl, p.region);
      if (!region) break;
      wl.regions.set(p.region, region);
      const endNs = p.durationNs === null ? Infinity : p.atNs + p.durationNs;
      const pat = p.pattern;
      wl.accesses.push({
        region, ratePerNs: p.accessesPerSec / 1e9, writeFraction: p.writeFraction, endNs, pattern: p,
        hotStart: 0, nextMoveNs: pat.kind === 'hotset' && pat.moveEveryNs ? p.atNs + pat.moveEveryNs : Infinity, seqPos: 0,
        moveRng: new Rng((sim.scenario.run.seed * 7919 + region.id * 104729 + wl.accesses.length) >>> 0),
      });
      break;
    }
    case 'dontneed': {
      const region = regionFor(sim, wl, p.region);
      if (region) dontneed(sim, wl, region, p);
      break;
    }
    case 'free': {
      const region = regionFor(sim, wl, p.region);
      if (region) {
        freeRegion(sim, region);
        wl.allocs = wl.allocs.filter((a) => a.region !== region);
        wl.accesses = wl.accesses.filter((a) => a.region !== region);
      }
      break;
    }
    case 'drop_caches':
      dropCaches(sim, p.mode);
      break;
    case 'exit':
      exitWorkload(sim, wl);
      break;
  }
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
    for (const s of region.slices) dontneedSlice(sim, wl, region, s, share, whole, partial, partialUnmap, contiguity);
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

/** Share of the accesses that land in each slice, from the access pattern. */
function patternWeights(sim: Sim, a: AccessState): Float64Array {
  const r = a.region;
  const w = new Float64Array(r.slices.length);
  const pat: AccessPattern = a.pattern.pattern;
  let total = 0;
  if (pat.kind === 'zipf') {
    // Rank follows address order; the slice's weight is the integral of x^-s over its ranks.
    const F = (x: number) => (Math.abs(pat.exponent - 1) < 1e-9 ? Math.log(x + 1) : ((x + 1) ** (1 - pat.exponent) - 1) / (1 - pat.exponent));
    let cum = 0;
    r.slices.forEach((s, i) => {
      const pop = accessible(r, s);
      w[i] = F(cum + pop) - F(cum);
      cum += pop;
      total += w[i];
    });
  } else if (pat.kind === 'hotset') {
    const hotPages = Math.min(r.pages, Math.ceil(pat.bytes / PAGE_SIZE));
    const hot = new Float64Array(r.slices.length);
    const cold = new Float64Array(r.slices.length);
    let hotTotal = 0;
    let coldTotal = 0;
    r.slices.forEach((s, i) => {
      const pop = accessible(r, s);
      const density = pop / s.pages;
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
    r.slices.forEach((s, i) => {
      w[i] = accessible(r, s);
      total += w[i];
    });
  }
  if (total > 0) for (let i = 0; i < w.length; i++) w[i] /= total;
  return w;
}

function overlapWrapped(start: number, len: number, size: number, a: number, n: number): number {
  const seg = (s: number, e: number) => Math.max(0, Math.min(e, a + n) - Math.max(s, a));
  const end = start + len;
  return end <= size ? seg(start, end) : seg(start, size) + seg(0, end - size);
}

/**
 * Runs one access phase for the part of the step in [t0, t1): costs, remote share, hint faults
 * on PROT_NONE pages, swap-ins and page-cache misses, LRU activation.
 */
export function accessStep(sim: Sim, wl: WorkloadState, a: AccessState, t0: number, t1: number, nodeBytes: Float64Array, load: Float64Array): void {
  const activeNs = Math.min(t1, a.endNs) - Math.max(t0, a.pattern.atNs);
  if (activeNs <= 0) return;
  const r = a.region;
  if (!r.alive) return;
  const pat = a.pattern.pattern;
  if (pat.kind === 'hotset' && sim.nowNs >= a.nextMoveNs && pat.moveEveryNs) {
    a.hotStart = a.moveRng.int(r.pages);
    a.nextMoveNs += pat.moveEveryNs;
  }
  const w = patternWeights(sim, a);
  const accesses = a.ratePerNs * activeNs;
  const c = sim.costs;
  const tieringTpp = sim.scenario.knobs['patch.tpp_active_lru_filter'] === true;
  let cost = 0;
  let remote = 0;
  let counted = 0;
  for (let i = 0; i < r.slices.length; i++) {
    if (w[i] <= 0) continue;
    const s = r.slices[i];
    const pop = accessible(r, s);
    if (pop <= 0) continue;
    const acc = accesses * w[i];
    const reuse = pop / (a.ratePerNs * w[i]);
    const touch = 1 - Math.exp(-activeNs / reuse);
    for (let n = 0; n < sim.nodes.length; n++) {
      const m = s.mapped(n);
      if (m <= 0) continue;
      const accN = (acc * m) / pop;
      const hugeShare = s.huge[n] / m;
      const tlb = hugeShare * c.tlb2m + (1 - hugeShare) * c.tlb4k;
      for (const { node: cn, weight } of wl.cpuNodes) {
        cost += accN * weight * (sim.accessLatency(cn, n, load[n]) + tlb);
        if (cn !== n) remote += accN * weight;
      }
      counted += accN;
      nodeBytes[n] += accN * ACCESS_BYTES;
      if (s.protnone[n] > 0) hintFaults(sim, wl, r, s, n, Math.min(s.protnone[n], stochasticRound(sim, s.protnone[n] * touch)), reuse);
      if (reuse < ACTIVE_REUSE_NS && !(tieringTpp && !sim.isTopTier(n))) {
        s.active[n] = s.mapped(n);
        s.demoted[n] = 0;
      }
    }
    // Pages out of memory: swapped anon pages fault back in; uncached file pages are read.
    const missing = r.kind === 'file' ? Math.max(0, s.pages - s.mappedTotal()) : s.swapped;
    if (missing > 0) {
      const accMiss = (acc * missing) / pop;
      for (const { node: cn, weight } of wl.cpuNodes) cost += accMiss * weight * sim.latency[cn][wl.homeNode];
      counted += accMiss;
      const k = Math.min(missing, stochasticRound(sim, missing * touch));
      if (k > 0) bringIn(sim, wl, r, s, k);
    }
    if (r.kind === 'file' && a.writeFraction > 0) s.dirty = Math.min(s.mappedTotal(), s.dirty + Math.round(acc * a.writeFraction));
    s.lastAccessNs = sim.nowNs;
    s.reuseNs = reuse;
    s.accessing = true;
  }
  wl.accessCount += counted;
  wl.latencyNs += cost;
  wl.remoteCount += remote;
}

/** Swap-in (do_swap_page, a major fault) or page-cache read of `k` pages of a slice. */
function bringIn(sim: Sim, wl: WorkloadState, r: Region, s: Slice, k: number): void {
  if (tryCharge(sim, r, k, wl) === 'oom') {
    outOfMemory(sim, wl, r.cgroup, `memory.max of cgroup ${r.cgroup}`);
    return;
  }
  const placed = allocBase(sim, wl, r, s, k, r.kind === 'file' ? 'page cache' : 'swap-in');
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

/** Advances a workload over [t0, t1): phases that start, faults, file I/O, accesses. */
export function stepWorkload(sim: Sim, wl: WorkloadState, t0: number, t1: number, nodeBytes: Float64Array, load: Float64Array): void {
  const phases = wl.spec.phases;
  while (wl.alive && wl.phaseIdx < phases.length && phases[wl.phaseIdx].atNs < t1) {
    startPhase(sim, wl, phases[wl.phaseIdx]);
    wl.phaseIdx++;
  }
  if (!wl.alive) return;
  if (wl.allocs.length > 0 || wl.reads.length > 0) {
    const alloc = wl.allocs.map((al) => stochasticRound(sim, al.ratePerNs * Math.max(0, t1 - Math.max(t0, phaseStart(al.region, wl)))));
    const read = wl.reads.map((rd) => stochasticRound(sim, rd.ratePerNs * (t1 - t0)));
    // Faults and kswapd run at the same time: the step's faults go in sub-chunks, and kswapd
    // (woken by them) gets its share of the step's time in between.
    for (let sub = 0; sub < SUBSTEPS && wl.alive; sub++) {
      const part = (total: number) => Math.floor((total * (sub + 1)) / SUBSTEPS) - Math.floor((total * sub) / SUBSTEPS);
      wl.allocs.forEach((al, i) => faultIn(sim, wl, al.region, part(alloc[i])));
      wl.reads.forEach((rd, i) => readFile(sim, wl, rd.region, part(read[i]), rd.write, rd.target));
      for (let n = 0; n < sim.nodes.length; n++) kswapdRun(sim, n, (t1 - t0) / SUBSTEPS);
    }
    wl.allocs = wl.allocs.filter((al) => al.region.fillCursor < al.region.pages && al.region.alive);
    wl.reads = wl.reads.filter((rd) => rd.region.fillCursor < rd.target);
  }
  for (const a of wl.accesses) accessStep(sim, wl, a, t0, t1, nodeBytes, load);
  wl.accesses = wl.accesses.filter((a) => a.endNs > t1 && a.region.alive);
}

function phaseStart(region: Region, wl: WorkloadState): number {
  const p = wl.spec.phases.find((x) => x.kind === 'alloc' && x.region === region.name);
  return p ? p.atNs : 0;
}
