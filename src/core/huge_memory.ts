// Transparent huge pages: mm/huge_memory.c. Which faults try a THP (transparent_hugepage.enabled,
// MADV_HUGEPAGE), with which gfp flags (alloc_hugepage_direct_gfpmask for .defrag), where on a
// NUMA machine (the three allocator behaviours of vma_alloc_folio / alloc_pages_vma), and what
// MADV_DONTNEED on part of a THP does (deferred_split_huge_page versus a synchronous split).

import { patternFreed } from './compaction';
import { HPAGE_NR } from './machine';
import type { Region, Slice } from './memory';
import { policyTargets } from './mempolicy';
import { allocPages } from './page_alloc';
import type { Sim, WorkloadState } from './sim';

/** hugepage_vma_check(): does a fault in this region try a huge page? */
export function thpEligible(sim: Sim, region: Region): boolean {
  if (region.kind !== 'anon') return false;
  const enabled = sim.knobStr('transparent_hugepage.enabled');
  return enabled === 'always' || (enabled === 'madvise' && region.hugepage);
}

/** alloc_hugepage_direct_gfpmask() per defrag mode: GFP_TRANSHUGE (__GFP_DIRECT_RECLAIM) or
 *  GFP_TRANSHUGE_LIGHT with __GFP_KSWAPD_RECLAIM or nothing; `always` adds __GFP_NORETRY outside
 *  MADV_HUGEPAGE ranges. */
export function thpGfp(sim: Sim, region: Region): { direct: boolean; kswapd: boolean; noretry: boolean } {
  const defrag = sim.knobStr('transparent_hugepage.defrag');
  const madvised = region.hugepage;
  switch (defrag) {
    case 'always': return { direct: true, kswapd: false, noretry: !madvised };
    case 'defer': return { direct: false, kswapd: true, noretry: false };
    case 'defer+madvise': return { direct: madvised, kswapd: !madvised, noretry: false };
    case 'madvise': return { direct: madvised, kswapd: false, noretry: false };
    default: return { direct: false, kswapd: false, noretry: false };
  }
}

/**
 * do_huge_pmd_anonymous_page(): tries `units` THPs for a slice. Returns the 4 KiB pages placed as
 * THPs; the caller falls back to base pages for the rest (thp_fault_fallback).
 */
export function thpFault(sim: Sim, wl: WorkloadState, region: Region, s: Slice, units: number): number {
  const gfp = thpGfp(sim, region);
  const behaviour = sim.knobStr('model.thp_numa_placement');
  let placed = 0;
  const pol = region.policy ?? wl.spec.mempolicy;
  for (const { target, pages } of policyTargets(sim, wl, units * HPAGE_NR, pol)) {
    const want = Math.floor(pages / HPAGE_NR) * HPAGE_NR;
    if (want === 0) continue;
    const base = { wl, region, slice: s, huge: true, preferred: target.preferred, cause: 'THP fault' };
    const interleaved = pol.mode === 'interleave' || pol.mode === 'weighted-interleave';
    const localAllowed = target.zonelist.includes(target.preferred);
    if (interleaved || !localAllowed) {
      placed += allocPages(sim, { ...base, pages: want, zonelist: target.zonelist, directReclaim: gfp.direct, kswapd: gfp.kswapd, compact: gfp.noretry ? 'light' : 'full', noretry: gfp.noretry });
      continue;
    }
    const thisnode = [target.preferred];
    if (behaviour === 'thisnode') {
      // __GFP_THISNODE (5265047ac301, 4.1-5.2): local node only, with compaction and reclaim there.
      placed += allocPages(sim, { ...base, pages: want, zonelist: thisnode, directReclaim: gfp.direct, kswapd: gfp.kswapd, compact: gfp.noretry ? 'light' : 'full', noretry: gfp.noretry });
    } else if (behaviour === 'remote-fallback') {
      // 4.0, the 2018 relaxation (ac5b2c18911f) and 5.3: the whole zonelist at once.
      placed += allocPages(sim, { ...base, pages: want, zonelist: target.zonelist, directReclaim: gfp.direct, kswapd: gfp.kswapd, compact: gfp.noretry ? 'light' : 'full', noretry: gfp.noretry });
    } else {
      // 5.4+ (ac79f78dab89, cc638f329ef6): local node with __GFP_NORETRY (light compaction, no
      // reclaim; __GFP_KSWAPD_RECLAIM kept, so defer wakes the local kswapd), then, if the fault
      // may reclaim, every node with the normal gfp.
      let got = allocPages(sim, { ...base, pages: want, zonelist: thisnode, directReclaim: gfp.direct, kswapd: gfp.kswapd, compact: 'light', noretry: true });
      if (got < want && gfp.direct) {
        got += allocPages(sim, { ...base, pages: want - got, zonelist: target.zonelist, directReclaim: true, kswapd: gfp.kswapd, compact: gfp.noretry ? 'light' : 'full', noretry: gfp.noretry });
      }
      placed += got;
    }
  }
  sim.vmstat.add('thp_fault_alloc', placed / HPAGE_NR);
  return placed;
}

/** A periodic DONTNEED in 4 KiB pages: `len` pages at `offset` of every `period`. */
export interface FreePattern {
  period: number;
  offset: number;
  len: number;
}

/**
 * MADV_DONTNEED over part of a region. `unmapShare` of each affected THP is unmapped: whole
 * THPs (share 1) are freed at once; partially unmapped ones are queued for deferred split
 * (Linux 4.5+) or split and freed now (before 4.5, and the unmerged 2021 proposal). Base pages
 * in the range are freed.
 */
export function dontneedSlice(sim: Sim, wl: WorkloadState | null, region: Region, s: Slice, baseShare: number, wholeThpShare: number, partialThpShare: number, partialUnmap: number, contiguity: number, pattern: FreePattern | null = null): void {
  const sync = sim.scenario.knobs['patch.dontneed_sync_split'] === true || !sim.kernel.deferredSplit;
  for (let n = 0; n < sim.nodes.length; n++) {
    const baseFree = Math.round(s.base[n] * baseShare);
    if (baseFree > 0) {
      sim.freeBase(region, s, n, baseFree, contiguity, false, wl ? wl.homeNode : -1);
      s.holes += baseFree;
      if (pattern && contiguity < 1) patternFreed(sim.nodes[n], baseFree, pattern.period, pattern.offset, pattern.len);
    }
    const thps = s.huge[n] / HPAGE_NR;
    const whole = Math.round(thps * wholeThpShare);
    if (whole > 0) {
      sim.freeHuge(region, s, n, whole * HPAGE_NR);
      s.holes += whole * HPAGE_NR;
    }
    const partial = Math.min(s.huge[n] / HPAGE_NR, Math.round(thps * partialThpShare));
    if (partial <= 0) continue;
    const pages = partial * HPAGE_NR;
    const unmapped = Math.round(pages * partialUnmap);
    s.holes += unmapped;
    sim.vmstat.add('thp_split_pmd', partial);
    if (sync) {
      // Split now: the unmapped subpages go back to the free lists at once.
      const before = s.mapped(n);
      s.huge[n] -= pages;
      s.base[n] += pages - unmapped;
      s.dropStates(n, unmapped, before, false);
      sim.giveToNode(n, unmapped, 0, wl ? wl.homeNode : -1);
      sim.charge(region, -unmapped);
      sim.vmstat.add('thp_split_page', partial);
      wl?.stall('fault', partial * sim.costs.splitThp);
      sim.events.record(sim.nowNs, 'thp_split', sim.nodes[n].id, pages, 'MADV_DONTNEED on part of a THP (synchronous split)', wl?.name, partial * sim.costs.splitThp);
    } else {
      // deferred_split_huge_page(): PMD split, subpages unmapped, memory stays charged.
      const before = s.mapped(n);
      s.huge[n] -= pages;
      s.deferred[n] += pages;
      s.deferredMapped[n] += pages - unmapped;
      s.dropStates(n, unmapped, before, false);
      sim.vmstat.add('thp_deferred_split_page', partial);
      sim.events.record(sim.nowNs, 'deferred_split_queue', sim.nodes[n].id, pages, 'MADV_DONTNEED on part of a THP', wl?.name);
    }
  }
}
