// khugepaged: mm/khugepaged.c. The thread runs khugepaged_do_scan() and then sleeps
// scan_sleep_millisecs. One scan advances a cursor over the address space of the THP-eligible
// anonymous regions, a 2 MiB range (one PMD) at a time, and counts HPAGE_PMD_NR pages of progress
// for each range whatever it found, until pages_to_scan (khugepaged_scan_mm_slot); it wraps to
// the first region at most once per scan (pass_through_head). A range mapped by base pages is
// collapsed into a huge page (collapse_huge_page) when at most max_ptes_none of its PTEs are
// empty, at most max_ptes_swap are swap entries and some page was referenced. The huge page
// comes from the node holding most of the range's pages (hpage_collapse_find_target_node; from
// 6.1-rc6 any node tied for most, version row khugepaged-alloc-nodes), with
// GFP_TRANSHUGE (khugepaged/defrag: direct compaction and reclaim) or GFP_TRANSHUGE_LIGHT. The
// first failed allocation of a scan sleeps alloc_sleep_millisecs and the scan goes on; the
// second ends it.
//
// The cursor is an address, so progress never depends on how the model cuts regions into slices:
// within a slice, the ranges still mapped by base pages are taken to be the next ones the cursor
// reaches (the deferred split shrinker and reclaim split THPs in address order, so split ranges
// form a prefix of what they visited).

import { thpEligible } from './huge_memory';
import { HPAGE_NR } from './machine';
import type { Region, Slice } from './memory';
import { allocPages } from './page_alloc';
import type { Sim } from './sim';

interface KhugepagedState {
  nextWakeNs: number;
  /** khugepaged_scan: the region (by id) and the page of it the cursor is at. */
  regionId: number;
  page: number;
  /** Base-page ranges of `slice` the cursor passed without collapsing them in this pass. */
  slice: Slice | null;
  passed: number;
  /** When the previous scan started, and the current one. */
  prevScanNs: number;
  scanNs: number;
  /** last_khugepaged_target_node (before 6.1-rc6). */
  lastTarget: number;
  /** A scan paused by khugepaged_alloc_sleep(): progress made and passes through the head. */
  paused: { progress: number; passes: number } | null;
}

const state = new WeakMap<Sim, KhugepagedState>();

function knob(sim: Sim, name: string): number {
  return sim.knob(`transparent_hugepage.khugepaged_${name}`);
}

/** What one range mapped by base pages of slice s holds: its PTE-mapped ranges and, per range,
 *  empty PTEs and swap entries (spread evenly; the model cannot tell the ranges of a slice
 *  apart). Empty PTEs of still-deferred THPs are not in base-page ranges. */
function baseRanges(s: Slice): { ranges: number; none: number; swap: number } {
  let base = 0, huge = 0, deferredHoles = 0;
  for (let n = 0; n < s.base.length; n++) {
    base += s.base[n];
    huge += s.huge[n] + s.deferred[n];
    deferredHoles += s.deferred[n] - s.deferredMapped[n];
  }
  const holes = Math.max(0, s.holes - deferredHoles);
  const unmapped = Math.floor(Math.max(0, s.pages - huge) / HPAGE_NR);
  const ranges = Math.min(unmapped, Math.ceil((base + s.swapped + holes) / HPAGE_NR));
  if (ranges <= 0 || base <= 0) return { ranges: 0, none: HPAGE_NR, swap: 0 };
  const swap = Math.round(s.swapped / ranges);
  return { ranges, none: Math.max(0, HPAGE_NR - Math.round(base / ranges) - swap), swap };
}

/** hpage_collapse_find_target_node(): the nodes holding the most of the range's pages, all of
 *  them from 6.1-rc6 (alloc_nmask); before, khugepaged_find_target_node()'s one node with
 *  __GFP_THISNODE, the next tied node after the last one chosen. */
function targetNodes(sim: Sim, st: KhugepagedState, s: Slice): number[] {
  const most = Math.max(...s.base);
  const tied = s.base.map((b, n) => (b === most ? n : -1)).filter((n) => n >= 0);
  if (sim.kernel.collapseTiedNodes) return tied;
  const next = tied.find((n) => n > st.lastTarget) ?? tied[0];
  st.lastTarget = next;
  return [next];
}

/** Does a range of slice s have a young PTE or PG_referenced page? Those still young from their
 *  fault or marked by a reclaim look are; otherwise the slice must have been accessed since the
 *  previous scan. */
function referenced(s: Slice, sinceNs: number): boolean {
  if (s.lastAccessNs >= sinceNs && s.lastAccessNs > 0) return true;
  return s.lru.inactive.some((cs) => cs.some((c) => c.fresh > 0 || c.marked > 0));
}

type ScanResult = 'succeed' | 'fail' | 'alloc-fail';

/** hpage_collapse_scan_pmd() and collapse_huge_page() for the range at the cursor, a range of
 *  slice s mapped by base pages. */
function collapseRange(sim: Sim, st: KhugepagedState, region: Region, s: Slice, sinceNs: number): ScanResult {
  const { none, swap } = baseRanges(s);
  if (none > knob(sim, 'max_ptes_none')) return 'fail'; // SCAN_EXCEED_NONE_PTE
  if (swap > knob(sim, 'max_ptes_swap')) return 'fail'; // SCAN_EXCEED_SWAP_PTE
  if (!referenced(s, sinceNs)) return 'fail'; // SCAN_LACK_REFERENCED_PAGE
  const nodes = targetNodes(sim, st, s);
  const defrag = sim.scenario.knobs['transparent_hugepage.khugepaged_defrag'] !== false;
  const got = allocPages(sim, {
    wl: null, region, slice: s, pages: HPAGE_NR, huge: true, preferred: nodes[0], zonelist: nodes,
    directReclaim: defrag, kswapd: false, compact: defrag ? 'full' : null, noretry: false, cause: 'khugepaged collapse',
  });
  if (got < HPAGE_NR) {
    sim.vmstat.add('thp_collapse_alloc_failed', 1);
    return 'alloc-fail';
  }
  sim.vmstat.add('thp_collapse_alloc', 1);
  // __collapse_huge_page_swapin(): the swap entries are read back (readahead brings the
  // neighbours, as for a fault) and copied in with the present pages, which are then freed
  // wherever they were; the empty PTEs become zeroed subpages.
  if (swap > 0) {
    s.swapped -= swap;
    sim.swapUsedPages -= swap;
    sim.vmstat.add('pswpin', swap);
    sim.vmstat.add('pgmajfault', Math.ceil(swap / SWAP_READAHEAD_PAGES));
  }
  const present = HPAGE_NR - none - swap;
  const total = s.base.reduce((a, b) => a + b, 0);
  let left = present;
  for (let n = 0; n < s.base.length && left > 0; n++) {
    const k = n === s.base.length - 1 ? left : Math.min(left, s.base[n], Math.round((present * s.base[n]) / Math.max(1, total)));
    sim.freeBase(region, s, n, Math.min(k, s.base[n]), 0, false);
    left -= Math.min(k, s.base[n]);
  }
  s.holes = Math.max(0, s.holes - none);
  return 'succeed';
}

/** Swap slots one swap-in reads (vm.page-cluster = 3), as workload.ts's major faults. */
const SWAP_READAHEAD_PAGES = 8;

/**
 * khugepaged_scan_mm_slot() over the eligible regions (as one mm): one unit of progress for
 * taking mmap_lock, then ranges from the cursor until `pages` of progress, a collapse attempt
 * (which drops mmap_lock) or the end of the last region (the cursor goes back to the head).
 */
function scanSome(sim: Sim, st: KhugepagedState, regions: Region[], pages: number): { progress: number; result: ScanResult | null } {
  let progress = 1;
  let i = regions.findIndex((r) => r.id >= st.regionId);
  if (i >= 0 && regions[i].id !== st.regionId) st.page = 0; // that region is gone: the next one
  while (progress < pages) {
    if (i >= 0 && st.page + HPAGE_NR > regions[i].pages) {
      i++;
      st.page = 0;
    }
    if (i < 0 || i >= regions.length) {
      st.regionId = HEAD;
      st.slice = null;
      break;
    }
    const region = regions[i];
    st.regionId = region.id;
    const s = region.sliceOf(st.page);
    if (s !== st.slice) {
      st.slice = s;
      st.passed = 0;
    }
    st.page += HPAGE_NR;
    progress += HPAGE_NR;
    // A range still mapped by base pages, if the slice has any the cursor has not passed.
    if (baseRanges(s).ranges - st.passed <= 0) continue;
    const result = collapseRange(sim, st, region, s, st.prevScanNs);
    if (result !== 'succeed') st.passed++;
    if (result !== 'fail') return { progress, result };
  }
  return { progress, result: null };
}

/** The cursor at the head of the list: the next scan starts a pass. */
const HEAD = -1;

/** Wake-ups handled per model step at most (a step is far longer than a scan, and a scan
 *  interval of 1 ms is the knob's floor). */
const MAX_WAKES_PER_STEP = 1000;

/** khugepaged's wake-ups up to the current step's end, each at its own time. */
export function khugepagedRun(sim: Sim): void {
  let st = state.get(sim);
  if (!st) {
    st = { nextWakeNs: knob(sim, 'scan_sleep_millisecs'), regionId: HEAD, page: 0, slice: null, passed: 0, prevScanNs: 0, scanNs: 0, lastTarget: -1, paused: null };
    state.set(sim, st);
  }
  for (let k = 0; k < MAX_WAKES_PER_STEP && sim.nowNs >= st.nextWakeNs; k++) wake(sim, st, st.nextWakeNs);
  if (sim.nowNs >= st.nextWakeNs) st.nextWakeNs = sim.nowNs;
}

/** One wake-up at time t: khugepaged_do_scan(), or what is left of it after an alloc sleep. */
function wake(sim: Sim, st: KhugepagedState, t: number): void {
  const regions = sim.regions.filter((r) => r.alive && thpEligible(sim, r)).sort((a, b) => a.id - b.id);
  const pages = knob(sim, 'pages_to_scan');
  const resumed = st.paused !== null;
  let progress = st.paused?.progress ?? 0;
  let passes = st.paused?.passes ?? 0;
  st.paused = null;
  if (!resumed) {
    st.prevScanNs = st.scanNs;
    st.scanNs = t;
  }
  while (progress < pages) {
    if (st.regionId === HEAD) passes++;
    if (regions.length === 0 || passes >= 2) break;
    const r = scanSome(sim, st, regions, pages - progress);
    progress += r.progress;
    if (progress < pages && r.result === 'alloc-fail') {
      if (resumed) break; // the second failure of a scan ends it
      st.paused = { progress, passes };
      st.nextWakeNs = t + knob(sim, 'alloc_sleep_millisecs');
      return;
    }
  }
  st.nextWakeNs = t + knob(sim, 'scan_sleep_millisecs');
}
