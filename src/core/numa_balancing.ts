// Automatic NUMA balancing: kernel/sched/fair.c task_numa_work() (the scanner that makes ranges
// PROT_NONE), mm/memory.c do_numa_page() (the hint fault), should_numa_migrate_memory() and the
// memory-tiering promotion path (hot threshold, numa_promotion_rate_limit,
// numa_promotion_adjust_threshold), migrate_misplaced_page() with migrate_balanced_pgdat().

import { HPAGE_NR } from './machine';
import type { Slice } from './memory';
import { numaHintFaultsNormal, numaScanPassDone, numaScanned } from './sched_numa';
import type { Sim, WorkloadState } from './sim';
import { kswapdCyclesForPromotion, wakeupKswapd } from './vmscan';

const NUMA_BALANCING_NORMAL = 1;
const NUMA_BALANCING_MEMORY_TIERING = 2;
/** MAX_SCAN_WINDOW, MB/s: the scanner's floor period comes from it. */
const MAX_SCAN_WINDOW = 2560;
/** NUMA_MIGRATION_ADJUST_STEPS. */
const ADJUST_STEPS = 16;
/** 1 GiB in 4 KiB pages: pgdat_free_space_enough()'s floor. */
const GIB_PAGES = (1 << 30) / 4096;

function mode(sim: Sim): number {
  return sim.knob('kernel.numa_balancing');
}

function rssPages(wl: WorkloadState): number {
  let t = 0;
  for (const r of wl.regions.values()) if (r.kind === 'anon' && r.alive) for (const s of r.slices) t += s.mappedTotal();
  return t;
}

/** task_scan_min() / task_scan_max(): periods scaled by how many scan windows the task's RSS
 *  spans, so a large task is scanned at the same rate per byte. */
function scanBounds(sim: Sim, wl: WorkloadState): { min: number; max: number } {
  const sizeMb = sim.knob('kernel.numa_balancing_scan_size_mb');
  const scanPages = sizeMb * 256;
  const w = Math.max(1, Math.ceil(rssPages(wl) / scanPages));
  const floor = sizeMb < MAX_SCAN_WINDOW ? 1e9 / Math.floor(MAX_SCAN_WINDOW / sizeMb) : 1e9;
  const min = Math.max(floor, sim.knob('kernel.numa_balancing_scan_period_min_ms') / w);
  const max = Math.max(min, sim.knob('kernel.numa_balancing_scan_period_max_ms') / w);
  return { min, max };
}

/** task_numa_work(): when due, marks up to scan_size MB of the task's pages PROT_NONE
 *  (8x that of address space at most), continuing where the last scan stopped. */
export function taskNumaWork(sim: Sim, wl: WorkloadState, startNs: number): void {
  const m = mode(sim);
  if (!m || !wl.alive) return;
  const st = wl.numab;
  if (st.nextScanNs === 0) {
    st.nextScanNs = startNs + sim.knob('kernel.numa_balancing_scan_delay_ms');
    st.periodNs = scanBounds(sim, wl).min;
  }
  if (sim.nowNs < st.nextScanNs) return;
  // In address order: mmap() places each new mapping below the last (top-down layout), so the
  // scan, which walks the VMAs upwards, meets the latest region first.
  const regions = [...wl.regions.values()].filter((r) => numaScanned(wl, r)).sort((a, b) => b.id - a.id);
  if (regions.length === 0) return;
  const tieringOnly = !(m & NUMA_BALANCING_NORMAL);
  let budget = sim.knob('kernel.numa_balancing_scan_size_mb') * 256;
  let virt = budget * 8;
  let updates = 0;
  let wrapped = false;
  if (st.regionIdx >= regions.length) st.regionIdx = 0;
  while (budget > 0 && virt > 0) {
    const r = regions[st.regionIdx];
    const s = r.sliceOf(st.page);
    // The scan stops where its budget runs out, inside a slice if need be: of the unmarked pages
    // ahead of the cursor (those behind it in the slice were marked by this pass), it marks what
    // the budget allows and moves the cursor as far, so a window of scan_size MB marks scan_size
    // MB whatever the slice size.
    const end = s.firstPage + s.pages;
    const ahead = (end - st.page) / s.pages;
    const eligible = new Array<number>(sim.nodes.length).fill(0);
    let total = 0;
    let marked = 0;
    let pending = 0;
    for (let n = 0; n < sim.nodes.length; n++) {
      pending += s.protnone[n];
      // Tiering alone: top-tier pages are not scanned (change_pte_range skips them).
      if (tieringOnly && sim.isTopTier(n)) continue;
      eligible[n] = Math.max(0, Math.min(s.mapped(n) - s.protnone[n], s.mapped(n) * ahead));
      total += eligible[n];
    }
    const frac = Math.min(1, budget / Math.max(1, total), virt / (end - st.page));
    for (let n = 0; n < sim.nodes.length; n++) {
      const k = Math.min(s.mapped(n) - s.protnone[n], Math.round(eligible[n] * frac));
      if (k <= 0) continue;
      s.protnone[n] += k;
      marked += k;
    }
    if (marked > 0) {
      // The scan time is what a hint fault's latency counts from (the page's access time,
      // xchg_page_access_time()); pages still PROT_NONE from an earlier scan keep theirs.
      s.protnoneAtNs = (s.protnoneAtNs * pending + sim.nowNs * marked) / (pending + marked);
      budget -= marked;
      updates += marked;
    }
    const advance = frac >= 1 ? end - st.page : Math.max(1, Math.ceil((end - st.page) * frac));
    virt -= advance;
    st.page = Math.min(end, st.page + advance);
    if (st.page < end) break;
    if (st.page >= r.pages) {
      st.page = 0;
      st.regionIdx++;
      if (st.regionIdx >= regions.length) {
        st.regionIdx = 0;
        wrapped = true;
        break;
      }
    }
  }
  sim.vmstat.add('numa_pte_updates', updates);
  if (wrapped) endOfPass(sim, wl);
  // update_task_scan_period() clamps to task_scan_min/max of the task's RSS as it is now.
  const { min, max } = scanBounds(sim, wl);
  st.periodNs = Math.min(max, Math.max(min, st.periodNs));
  st.nextScanNs = sim.nowNs + st.periodNs;
}

/** update_task_scan_period(), simplified to a pass: slow down (double the period) when the
 *  pass found its faults mostly local or only tiering work; speed up when most were remote.
 *  (6.1's code leaves the period alone in tiering mode, as task_numa_fault() records no fault
 *  on a slow-tier page nor, through the access time in its cpupid, on a promoted one; yet the
 *  tier-* corpus cases mark their hot set every 3 to 24 s, not every scan_period_min: a
 *  constant period scans two to four times too often, and this rule is the closer one.) */
function endOfPass(sim: Sim, wl: WorkloadState): void {
  const st = wl.numab;
  numaScanPassDone(sim, wl);
  const { min, max } = scanBounds(sim, wl);
  const remote = st.passFaults - st.passLocal;
  if (mode(sim) & NUMA_BALANCING_NORMAL && st.passFaults > 0 && remote > st.passLocal) st.periodNs = Math.max(min, st.periodNs / 2);
  else st.periodNs = Math.min(max, st.periodNs * 2);
  st.passFaults = 0;
  st.passLocal = 0;
}

/** Moves up to `k` pages of a slice from node `from` to `to`, huge pages whole when the target
 *  has free blocks, above the target's high watermark (migrate_balanced_pgdat). */
function migrate(sim: Sim, s: Slice, from: number, to: number, k: number): number {
  return sim.migrateSlice(s, from, to, k, 'high', 0.5, 'hinted');
}

/** numa_promotion_rate_limit(): the fast node `t` counts its candidates per second; once they
 *  reach the limit the rest of that second's candidates are not promoted. */
function rateLimitedCandidates(sim: Sim, t: number, cand: number): number {
  const node = sim.nodes[t];
  const limitPages = (sim.knob('kernel.numa_balancing_promote_rate_limit_MBps') * 1024 * 1024) / 4096;
  if (sim.nowNs - node.promoWindowStartNs >= 1e9) {
    node.promoWindowStartNs = sim.nowNs;
    node.promoWindowPages = 0;
  }
  const allowed = Math.max(0, Math.min(cand, Math.floor(limitPages - node.promoWindowPages)));
  node.promoWindowPages += cand;
  return allowed;
}

/** numa_promotion_adjust_threshold(): once per scan_period_max, node `t` compares the
 *  candidates of the period with what the rate limit allows over it and moves its threshold one
 *  step (of 16 over twice the default) down when above 110%, up when below 90%. */
function adjustThreshold(sim: Sim, t: number): number {
  const node = sim.nodes[t];
  const defTh = sim.knob('kernel.numa_balancing_hot_threshold_ms');
  const periodNs = sim.knob('kernel.numa_balancing_scan_period_max_ms');
  if (node.promoThresholdWindowStartNs === 0) node.promoThresholdWindowStartNs = sim.nowNs;
  if (sim.nowNs - node.promoThresholdWindowStartNs > periodNs) {
    const limitPages = (sim.knob('kernel.numa_balancing_promote_rate_limit_MBps') * 1024 * 1024) / 4096;
    const ref = (limitPages * periodNs) / 1e9;
    const unit = (defTh * 2) / ADJUST_STEPS;
    const diff = node.promoThresholdWindowCand;
    let th = node.promoThresholdNs || defTh;
    if (diff > (ref * 11) / 10) th = Math.max(th - unit, unit);
    else if (diff < (ref * 9) / 10) th = Math.min(th + unit, defTh * 2);
    node.promoThresholdNs = th;
    node.promoThresholdWindowStartNs = sim.nowNs;
    node.promoThresholdWindowCand = 0;
  }
  return node.promoThresholdNs || defTh;
}

/** pgdat_free_space_enough(): some zone of the fast node has more than WMARK_PROMO plus
 *  max(1 GiB, the node's pages / 16) free, so hint faults promote without the hot threshold. */
function freeSpaceEnough(sim: Sim, t: number): boolean {
  const node = sim.nodes[t];
  const enough = Math.max(GIB_PAGES, Math.floor(node.totalPages / 16));
  return node.zones.some((z) => z.free > z.wmark.promo + enough);
}

/** Share of the faults spread evenly over [a, b] whose latency from `scanNs` is below `th`. */
function shareUnder(scanNs: number, th: number, a: number, b: number): number {
  if (b <= a) return a - scanNs < th ? 1 : 0;
  return Math.min(1, Math.max(0, (scanNs + th - a) / (b - a)));
}

/**
 * do_numa_page() / do_huge_pmd_numa_page() for the PROT_NONE pages of slice `s` on node `n`
 * that the accesses of the step [t0, t1) reach (`reached`, pages). Each fault holds a thread
 * (cost.hint_fault, plus cost.migrate_page per page it moves), so the faults of a burst queue
 * behind each other on the workload's threads and those the threads have no time for in the
 * step wait for the next: pages reached late fault late. A page's hint-fault latency
 * (numa_hint_fault_latency) is the time from the scan that marked it to its fault. A THP takes
 * one fault for its 512 pages and moves whole.
 */
export function hintFaults(sim: Sim, wl: WorkloadState, s: Slice, n: number, reached: number, reuseNs: number, t0: number, t1: number): void {
  const m = mode(sim);
  const home = wl.homeNode;
  const c = sim.costs;
  const st = wl.numab;
  const threads = Math.max(1, wl.threads);
  const mapped = s.mapped(n);
  if (mapped <= 0 || s.protnone[n] <= 0) return;
  const hugeShare = s.huge[n] / mapped;
  const faultNsPerPage = c.hintFault * (1 - hugeShare + hugeShare / HPAGE_NR);
  const a = Math.max(t0, st.faultClockNs, Math.min(t1, s.protnoneAtNs));
  const room = faultNsPerPage > 0 ? ((t1 - a) * threads) / faultNsPerPage : Infinity;
  const pages = Math.min(s.protnone[n], roundRandom(sim, Math.max(0, Math.min(reached, room))));
  if (pages <= 0) return;
  const hugeUnits = Math.min(Math.floor(s.huge[n] / HPAGE_NR), Math.round((pages * hugeShare) / HPAGE_NR));
  const faults = Math.max(1, pages - hugeUnits * HPAGE_NR + hugeUnits);
  s.protnone[n] -= pages;
  sim.vmstat.add('numa_hint_faults', faults);
  // Local: the faulting CPU is on the page's node (a workload on several nodes by its CPU share).
  const local = faults * (wl.cpuNodes.find((x) => x.node === n)?.weight ?? 0);
  sim.vmstat.add('numa_hint_faults_local', local);
  // The faults span the threads' time they take, or the time the accesses need to reach every
  // page (a sweep, or the reuse of a page touched at random), whichever is longer.
  const b = a + Math.max((faults * c.hintFault) / threads, Math.min(t1 - a, reuseNs));
  let moved = 0;
  if (sim.isTopTier(n)) moved = normalFault(sim, wl, s, n, pages, faults, local);
  else if (m & NUMA_BALANCING_MEMORY_TIERING && sim.isTopTier(home)) moved = promotionFault(sim, wl, s, n, pages, a, b);
  const stallNs = faults * c.hintFault + moved * c.migratePage;
  wl.stall('migration', stallNs);
  st.faultClockNs = a + stallNs / threads;
}

function roundRandom(sim: Sim, x: number): number {
  return Math.floor(x + sim.rng.next());
}

/** NUMA balancing proper (mode 1): the cpupid filter, numa groups and task placement
 *  (src/core/sched_numa.ts). `local` is the faults' share from CPUs on node n. Returns pages moved. */
function normalFault(sim: Sim, wl: WorkloadState, s: Slice, n: number, pages: number, faults: number, local: number): number {
  wl.numab.passFaults += faults;
  wl.numab.passLocal += local;
  if (!(mode(sim) & NUMA_BALANCING_NORMAL)) return 0;
  return numaHintFaultsNormal(sim, wl, s, n, pages);
}

/** Memory tiering (mode 2): a fault on a slow-tier page whose latency from its scan, over
 *  [a, b], makes it a candidate, promoted when the fast node has room. Returns pages moved. */
function promotionFault(sim: Sim, wl: WorkloadState, s: Slice, n: number, pages: number, a: number, b: number): number {
  const home = wl.homeNode;
  // TPP's unmerged filter replaces the version's when the patch is on.
  const filter = sim.scenario.knobs['patch.tpp_active_lru_filter'] === true ? 'tpp' : sim.knobStr('model.promotion_filter');
  let promote = pages;
  if (filter === 'tpp') {
    // A first fault on an inactive (e.g. just demoted) page only activates it; a fault on a
    // page already active promotes it. The faulting pages are active in the slice's proportion.
    const mappedN = Math.max(1, s.mapped(n));
    const cand = Math.min(pages, Math.round((pages * s.active[n]) / mappedN));
    s.active[n] = Math.min(s.mapped(n), s.active[n] + (pages - cand));
    sim.vmstat.add('pgpromote_candidate', cand);
    promote = rateLimitedCandidates(sim, home, cand);
  } else if (filter === 'hot-threshold') {
    const node = sim.nodes[home];
    if (freeSpaceEnough(sim, home)) {
      // The workload changed: the threshold starts again from the default.
      node.promoThresholdNs = 0;
    } else {
      const th = adjustThreshold(sim, home);
      const cand = Math.round(pages * shareUnder(s.protnoneAtNs, th, a, b));
      sim.vmstat.add('pgpromote_candidate', cand);
      node.promoThresholdWindowCand += cand;
      promote = rateLimitedCandidates(sim, home, cand);
    }
  } else {
    // 5.18: every hint-faulted slow-tier page is promoted.
    sim.vmstat.add('pgpromote_candidate', pages);
  }
  // migrate_balanced_pgdat(): each promotion needs the fast node's free pages above high plus
  // the pages it brings. When that fails, numamigrate_isolate_page() wakes the node's kswapd
  // (tiering mode) and the fault leaves the page where it is. kswapd cycles on its own CPU while
  // the task goes on taking hint faults (their thread time, pages x cost.hint_fault), so the
  // room it makes serves the faults that follow;
  // each cycle stops at kswapd's mark, high or (WMARK_PROMO) promo, so what the later faults
  // can promote into is the gap above high that each cycle leaves.
  // Every hint fault of the stream gives an awake kswapd time, whether it promotes or not.
  const target = sim.nodes[home];
  let moved = promote > 0 ? migrate(sim, s, n, home, Math.min(promote, Math.max(0, target.availableAbove('high')))) : 0;
  if (moved < promote) wakeupKswapd(sim, home, 'promotion failed: no room above high watermark');
  if (kswapdCyclesForPromotion(sim, home, promote - moved, pages * sim.costs.hintFault, a) > 0) {
    moved += migrate(sim, s, n, home, Math.min(promote - moved, Math.max(0, target.availableAbove('high'))));
  }
  if (moved <= 0) return 0;
  s.promoted[home] += moved;
  // A promoted page lands on the fast node's inactive list like any migration target: it keeps
  // the slow node's PG_active, which the model's slow-tier pages lack (demotion takes inactive
  // pages, and a slow node under no reclaim activates none). The second chance decides whether
  // it stays: kept at its first look (young from the retried access), activated at the next if
  // used again, demoted if not.
  sim.vmstat.add('pgpromote_success', moved);
  sim.vmstat.add('numa_pages_migrated', moved);
  sim.vmstat.add('pgmigrate_success', moved);
  sim.events.record(sim.nowNs, 'promotion', sim.nodes[home].id, moved, `hint faults on slow-tier node ${sim.nodes[n].id} (${filter})`, wl.name);
  return moved;
}
