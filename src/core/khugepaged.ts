// khugepaged: mm/khugepaged.c. Every scan_sleep_millisecs it scans pages_to_scan PTEs of the
// THP-eligible anonymous regions, round robin (khugepaged_do_scan), and collapses each 2 MiB range
// still mapped by base pages into a huge page (collapse_huge_page) when no more than
// max_ptes_none of its PTEs are empty and some page in it was referenced. The huge page comes
// from the node that holds the range, with __GFP_THISNODE and GFP_TRANSHUGE (khugepaged/defrag:
// direct compaction and reclaim) or GFP_TRANSHUGE_LIGHT; when it cannot be had, khugepaged sleeps
// alloc_sleep_millisecs (thp_collapse_alloc_failed).

import { thpEligible } from './huge_memory';
import { HPAGE_NR } from './machine';
import type { Region, Slice } from './memory';
import { allocPages } from './page_alloc';
import type { Sim } from './sim';

interface KhugepagedState {
  nextWakeNs: number;
  /** Position of the scan: region and slice, and 2 MiB ranges already scanned in that slice. */
  region: number;
  slice: number;
  range: number;
  lastWakeNs: number;
}

const state = new WeakMap<Sim, KhugepagedState>();

function knob(sim: Sim, name: string): number {
  return sim.knob(`transparent_hugepage.khugepaged_${name}`);
}

/** Ranges of a slice that are mapped by base pages (not already a PMD, not queued for split). */
function baseRanges(s: Slice): number {
  let huge = 0;
  for (let n = 0; n < s.huge.length; n++) huge += s.huge[n] + s.deferred[n];
  return Math.max(0, Math.floor((s.pages - huge) / HPAGE_NR));
}

/** hpage_collapse_find_target_node(): the node holding most of the slice's base pages. */
function targetNode(s: Slice): number {
  let best = 0;
  for (let n = 1; n < s.base.length; n++) if (s.base[n] > s.base[best]) best = n;
  return best;
}

/**
 * Collapses up to `ranges` base-page ranges of slice s. Returns false when the huge page could
 * not be allocated (khugepaged then sleeps alloc_sleep_millisecs).
 */
function collapse(sim: Sim, region: Region, s: Slice, ranges: number, sinceNs: number): boolean {
  const present = s.base.reduce((a, b) => a + b, 0);
  const candidates = baseRanges(s);
  if (ranges <= 0 || candidates <= 0 || present <= 0) return true;
  // Empty PTEs spread evenly over the base-page ranges (holes left by DONTNEED).
  const none = Math.min(HPAGE_NR, Math.round(s.holes / candidates));
  if (none > knob(sim, 'max_ptes_none') || none >= HPAGE_NR) return true; // SCAN_EXCEED_NONE_PTE
  if (s.lastAccessNs < sinceNs) return true; // SCAN_LACK_REFERENCED_PAGE
  const n = targetNode(s);
  const per = HPAGE_NR - none;
  const want = Math.min(ranges, Math.floor(s.base[n] / per));
  if (want <= 0) return true;
  const defrag = sim.scenario.knobs['transparent_hugepage.khugepaged_defrag'] === true;
  const got = allocPages(sim, {
    wl: null, region, slice: s, pages: want * HPAGE_NR, huge: true, preferred: n, zonelist: [n],
    directReclaim: defrag, kswapd: defrag, compact: defrag ? 'full' : null, noretry: false, cause: 'khugepaged collapse',
  }) / HPAGE_NR;
  if (got > 0) {
    // The base pages are copied into the huge page and freed; the empty PTEs are filled.
    sim.freeBase(region, s, n, got * per, 0, false);
    s.holes = Math.max(0, s.holes - got * none);
    sim.vmstat.add('thp_collapse_alloc', got);
  }
  if (got < want) {
    sim.vmstat.add('thp_collapse_alloc_failed', 1);
    return false;
  }
  return true;
}

/** khugepaged's wake-ups up to the current step's end: scans pages_to_scan PTEs each time. */
export function khugepagedRun(sim: Sim): void {
  let st = state.get(sim);
  if (!st) {
    st = { nextWakeNs: knob(sim, 'scan_sleep_millisecs'), region: 0, slice: 0, range: 0, lastWakeNs: 0 };
    state.set(sim, st);
  }
  if (sim.nowNs < st.nextWakeNs) return;
  const regions = sim.regions.filter((r) => thpEligible(sim, r));
  let budget = Math.max(1, Math.floor(knob(sim, 'pages_to_scan') / HPAGE_NR));
  let ok = true;
  // One pass over the eligible regions at most per wake-up.
  for (let guard = 0; budget > 0 && regions.length > 0 && guard < 4096; guard++) {
    if (st.region >= regions.length) {
      st.region = 0;
      st.slice = 0;
      st.range = 0;
      if (guard > 0) break;
    }
    const region = regions[st.region];
    if (st.slice >= region.slices.length) {
      st.region++;
      st.slice = 0;
      st.range = 0;
      continue;
    }
    const s = region.slices[st.slice];
    const total = Math.ceil(s.pages / HPAGE_NR);
    const k = Math.min(budget, total - st.range);
    // Of the ranges scanned, those still mapped by base pages are collapse candidates.
    const candidates = Math.round((k * baseRanges(s)) / Math.max(1, total));
    ok = collapse(sim, region, s, candidates, st.lastWakeNs);
    budget -= k;
    st.range += k;
    if (st.range >= total) {
      st.slice++;
      st.range = 0;
    }
    if (!ok) break;
  }
  st.lastWakeNs = sim.nowNs;
  st.nextWakeNs = sim.nowNs + (ok ? knob(sim, 'scan_sleep_millisecs') : knob(sim, 'alloc_sleep_millisecs'));
}
