// Automatic NUMA balancing: kernel/sched/fair.c task_numa_work() (the scanner that makes ranges
// PROT_NONE), mm/memory.c do_numa_page() (the hint fault), should_numa_migrate_memory() and the
// memory-tiering promotion path (hot threshold, numa_promotion_rate_limit,
// numa_promotion_adjust_threshold), migrate_misplaced_page() with migrate_balanced_pgdat().

import { HPAGE_NR } from './machine';
import type { Region, Slice } from './memory';
import type { Sim, WorkloadState } from './sim';
import { kswapdCyclesForPromotion, wakeupKswapd } from './vmscan';

const NUMA_BALANCING_NORMAL = 1;
const NUMA_BALANCING_MEMORY_TIERING = 2;
/** MAX_SCAN_WINDOW, MB/s: the scanner's floor period comes from it. */
const MAX_SCAN_WINDOW = 2560;
/** NUMA_MIGRATION_ADJUST_STEPS. */
const ADJUST_STEPS = 16;

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
  const windows = Math.max(1, Math.ceil(rssPages(wl) / scanPages));
  const floor = sizeMb < MAX_SCAN_WINDOW ? 1e9 / Math.floor(MAX_SCAN_WINDOW / sizeMb) : 1e9;
  const min = Math.max(floor, sim.knob('kernel.numa_balancing_scan_period_min_ms') / windows);
  const max = Math.max(min, sim.knob('kernel.numa_balancing_scan_period_max_ms') / windows);
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
  const regions = [...wl.regions.values()].filter((r) => r.kind === 'anon' && r.alive);
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
    for (let n = 0; n < sim.nodes.length; n++) {
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
      updates += k;
      budget -= k;
    }
    s.protnoneAtNs = sim.nowNs;
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
 *  pass found its faults mostly local or only tiering work; speed up when most were remote. */
function endOfPass(sim: Sim, wl: WorkloadState): void {
  const st = wl.numab;
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
  return sim.migrateSlice(s, from, to, k, 'high', 0.5);
}

/** numa_promotion_rate_limit() and numa_promotion_adjust_threshold() for target node t. */
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

function adjustThreshold(sim: Sim, t: number, cand: number): void {
  const node = sim.nodes[t];
  const defTh = sim.knob('kernel.numa_balancing_hot_threshold_ms');
  const periodNs = sim.knob('kernel.numa_balancing_scan_period_max_ms');
  if (node.promoThresholdNs === 0) {
    node.promoThresholdNs = defTh;
    node.promoThresholdWindowStartNs = sim.nowNs;
  }
  node.promoThresholdWindowCand += cand;
  if (sim.nowNs - node.promoThresholdWindowStartNs < periodNs) return;
  const limitPages = (sim.knob('kernel.numa_balancing_promote_rate_limit_MBps') * 1024 * 1024) / 4096;
  const ref = (limitPages * periodNs) / 1e9;
  const unit = (defTh * 2) / ADJUST_STEPS;
  const diff = node.promoThresholdWindowCand;
  if (diff > (ref * 11) / 10) node.promoThresholdNs = Math.max(node.promoThresholdNs - unit, unit);
  else if (diff < (ref * 9) / 10) node.promoThresholdNs = Math.min(node.promoThresholdNs + unit, defTh * 2);
  node.promoThresholdWindowStartNs = sim.nowNs;
  node.promoThresholdWindowCand = 0;
}

/**
 * do_numa_page() for the pages of slice `s` on node `n` that took a hint fault in this step.
 * `reuseNs` is the time between two touches of one page: the hint-fault latency of a page
 * follows it (numa_hint_fault_latency).
 */
export function hintFaults(sim: Sim, wl: WorkloadState, region: Region, s: Slice, n: number, faults: number, reuseNs: number): void {
  if (faults <= 0) return;
  const m = mode(sim);
  const home = wl.homeNode;
  const c = sim.costs;
  s.protnone[n] = Math.max(0, s.protnone[n] - faults);
  sim.vmstat.add('numa_hint_faults', faults);
  if (n === home) sim.vmstat.add('numa_hint_faults_local', faults);
  wl.numab.passFaults += faults;
  if (n === home) wl.numab.passLocal += faults;
  wl.stall('migration', faults * c.hintFault);

  if (sim.isTopTier(n)) {
    if (!(m & NUMA_BALANCING_NORMAL) || n === home) return;
    const pol = wl.spec.mempolicy;
    if (pol.mode === 'bind' || pol.mode === 'interleave' || pol.mode === 'weighted-interleave') {
      if (!pol.nodes.includes(sim.nodes[home].id)) return;
    }
    const moved = migrate(sim, s, n, home, Math.min(faults, sim.nodes[home].availableAbove('high')));
    if (moved > 0) {
      sim.vmstat.add('numa_pages_migrated', moved);
      sim.vmstat.add('pgmigrate_success', moved);
      wl.stall('migration', moved * c.migratePage);
      sim.events.record(sim.nowNs, 'numa_migrate', sim.nodes[home].id, moved, `hint faults from node ${sim.nodes[home].id} on node ${sim.nodes[n].id}`, wl.name);
    }
    return;
  }
  if (!(m & NUMA_BALANCING_MEMORY_TIERING) || !sim.isTopTier(home)) return;

  // Promotion candidates, by the configured filter.
  // TPP's unmerged filter replaces the version's when the patch is on.
  const filter = sim.scenario.knobs['patch.tpp_active_lru_filter'] === true ? 'tpp' : sim.knobStr('model.promotion_filter');
  let cand = faults;
  if (filter === 'tpp') {
    // A first fault on an inactive (e.g. just demoted) page only activates it; a fault on a
    // page already active promotes it. The faulting pages are active in the slice's proportion.
    const mappedN = Math.max(1, s.mapped(n));
    cand = Math.min(faults, Math.round((faults * s.active[n]) / mappedN));
    s.active[n] = Math.min(s.mapped(n), s.active[n] + (faults - cand));
  } else if (filter === 'hot-threshold') {
    const th = sim.nodes[home].promoThresholdNs || sim.knob('kernel.numa_balancing_hot_threshold_ms');
    const hot = Number.isFinite(reuseNs) ? 1 - Math.exp(-th / Math.max(1, reuseNs)) : 0;
    cand = Math.round(faults * hot);
  }
  if (cand <= 0) return;
  sim.vmstat.add('pgpromote_candidate', cand);
  let promote = cand;
  if (filter === 'hot-threshold') {
    adjustThreshold(sim, home, cand);
    promote = rateLimitedCandidates(sim, home, cand);
  } else if (filter === 'tpp') {
    promote = rateLimitedCandidates(sim, home, cand);
  }
  if (promote <= 0) return;
  // migrate_balanced_pgdat(): each promotion needs the fast node's free pages above high plus
  // the pages it brings. When that fails, numamigrate_isolate_page() wakes the node's kswapd
  // (tiering mode) and the fault leaves the page where it is. kswapd cycles on its own CPU while
  // the task goes on taking hint faults, so the room it makes serves the faults that follow;
  // each cycle stops at kswapd's mark, high or (WMARK_PROMO) promo, so what the later faults
  // can promote into is the gap above high that each cycle leaves.
  const target = sim.nodes[home];
  let moved = migrate(sim, s, n, home, Math.min(promote, Math.max(0, target.availableAbove('high'))));
  if (moved < promote) {
    wakeupKswapd(sim, home, 'promotion failed: no room above high watermark');
    if (kswapdCyclesForPromotion(sim, home, promote - moved, faults * c.hintFault) > 0) {
      moved += migrate(sim, s, n, home, Math.min(promote - moved, Math.max(0, target.availableAbove('high'))));
    }
  }
  if (moved > 0) {
    s.promoted[home] += moved;
    // A promoted page is hot: it lands on the active LRU of the fast node.
    s.active[home] = Math.min(s.mapped(home), s.active[home] + moved);
    sim.vmstat.add('pgpromote_success', moved);
    sim.vmstat.add('numa_pages_migrated', moved);
    sim.vmstat.add('pgmigrate_success', moved);
    wl.stall('migration', moved * c.migratePage);
    sim.events.record(sim.nowNs, 'promotion', sim.nodes[home].id, moved, `hint faults on slow-tier node ${sim.nodes[n].id} (${filter})`, wl.name);
  }
}
