// Compaction from a pageblock model: mm/compaction.c. A node's pageblocks are counts (NodeState.pb):
// whole free pageblocks, unmovable/reclaimable ones, and used movable ones that hold the scattered
// free pages evenly. compact_zone() runs a migrate scanner over used movable pageblocks, moving
// their pages into free pages that a free scanner isolates from other pageblocks; a pageblock the
// migrate scanner empties is a free 2 MiB block. Whether that works follows from the layout: how
// full the pageblocks are, which ones carry PG_migrate_skip, and whether the free scanner can see
// the free pages at all (the async scanner samples every 32nd page of a pageblock). Direct
// compaction (try_to_compact_pages), kcompactd (woken for an order, and proactive compaction on
// its timer) and migratetype fallback stealing (__rmqueue_fallback) live here.

import { HPAGE_NR, HPAGE_ORDER, NodeState, SWAP_CLUSTER_MAX, Wmark } from './machine';
import type { Sim, WorkloadState } from './sim';

/** 'light' is COMPACT_PRIO_ASYNC (MIGRATE_ASYNC), 'full' COMPACT_PRIO_SYNC_LIGHT
 *  (MIGRATE_SYNC_LIGHT): the two priorities a THP fault or kcompactd uses. */
export type CompactPriority = 'light' | 'full';
export type CompactResult = 'skipped' | 'deferred' | 'success' | 'fail';
export type Migratetype = 'movable' | 'unmovable' | 'reclaimable';

/** COMPACT_CLUSTER_MAX: the async free scanner's stride within a pageblock until it isolates a page. */
const COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX;
/** COMPACT_MAX_DEFER_SHIFT. */
const MAX_DEFER_SHIFT = 6;
/** PAGE_ALLOC_COSTLY_ORDER: compaction_suitable() consults the fragmentation index above it. */
const COSTLY_ORDER = 3;

/** Used movable pageblocks: neither whole free nor labelled unmovable/reclaimable. */
function usedMovable(node: NodeState): number {
  const pb = node.pb;
  return Math.max(0, pb.nr - node.freeBlocks - pb.unmovable - pb.reclaimable);
}

/** Scattered free pages in used movable pageblocks (the rest sit in unmovable/reclaimable ones). */
function movableScattered(node: NodeState): number {
  return Math.max(0, node.scatteredFree - node.pb.room.unmovable - node.pb.room.reclaimable);
}

/** Keeps the pageblock hints within what the node's pages allow. */
function clampHints(node: NodeState): void {
  const pb = node.pb;
  const used = usedMovable(node);
  pb.hidden = Math.max(0, Math.min(pb.hidden, movableScattered(node)));
  pb.room.unmovable = Math.max(0, Math.min(pb.room.unmovable, node.scatteredFree));
  pb.room.reclaimable = Math.max(0, Math.min(pb.room.reclaimable, node.scatteredFree - pb.room.unmovable));
  pb.skip = Math.max(0, Math.min(pb.skip, used));
  pb.polluted = Math.max(0, Math.min(pb.polluted, used));
}

/** Scattered free pages were taken by an allocation: the regular pattern loses its share. */
export function scatteredTaken(node: NodeState, pages: number, scatteredBefore: number): void {
  if (pages <= 0 || scatteredBefore <= 0 || node.pb.hidden <= 0) return;
  node.pb.hidden -= Math.min(node.pb.hidden, Math.round((node.pb.hidden * pages) / scatteredBefore));
}

/**
 * Pages freed in a regular pattern: `period` pages per chunk, of which the pages at offsets
 * [offset, offset + len) were freed, chunks laid out from the start of each pageblock (a region
 * faulted in order gets ascending frames: rmqueue_bulk() hands out a split block low to high).
 * The async free scanner looks at offsets 0, 32, 64... of a pageblock; freed pages none of those
 * land on stay hidden from it.
 */
export function patternFreed(node: NodeState, pages: number, period: number, offset: number, len: number): void {
  if (pages <= 0 || period <= 0 || period > HPAGE_NR) return;
  for (let at = 0; at < HPAGE_NR; at += COMPACT_CLUSTER_MAX) {
    const o = at % period;
    if (o >= offset && o < offset + len) return; // a sampled offset is freed: the scanner sees them
  }
  node.pb.hidden += pages;
}

/** fragmentation_index() for order 9, scattered free pages taken as order-0 chunks: -1000 when
 *  a free block exists, towards 0 when memory is short, towards 1000 when it is fragmented. */
export function fragmentationIndex(node: NodeState): number {
  if (node.freeBlocks > 0) return -1000;
  const chunks = node.scatteredFree;
  if (chunks <= 0) return 0;
  return Math.round(1000 - (1000 + (node.free * 1000) / HPAGE_NR) / chunks);
}

/** compaction_suitable(): order-9 compaction needs the node above its low watermark by
 *  compact_gap (2 << order) pages, and the fragmentation index above vm.extfrag_threshold. */
export function compactionSuitable(sim: Sim, n: number): boolean {
  const node = sim.nodes[n];
  if (node.availableAbove('low') < 2 * HPAGE_NR) return false;
  const index = fragmentationIndex(node);
  return !(HPAGE_ORDER > COSTLY_ORDER && index >= 0 && index <= sim.knob('vm.extfrag_threshold'));
}

/** compaction_ready() for reclaim: enough free memory for compaction to run, so direct reclaim
 *  for a huge page stops (shrink_zones skips the zone). */
export function compactionReady(sim: Sim, n: number): boolean {
  return sim.nodes[n].availableAbove('high') >= 2 * HPAGE_NR;
}

interface Pass {
  created: number;
  migrateScanned: number;
  freeScanned: number;
  isolated: number;
  migrated: number;
  /** The scanners met (COMPACT_COMPLETE) before `want` blocks were free. */
  complete: boolean;
}

/**
 * compact_zone() on node n until `want` more free pageblocks exist or the scanners meet. The
 * migrate scanner takes used movable pageblocks without the skip bit (not polluted ones: an
 * unmovable page never leaves); each emptied one needs its used pages' worth of free pages, which
 * the free scanner takes from the pageblocks it drains (and marks skip). The async free scanner
 * samples every 32nd page of a pageblock; if the free pages sit where it never looks, it marks
 * every pageblock skip and meets the migrate scanner with nothing.
 */
function compactZone(sim: Sim, n: number, mode: CompactPriority, want: number, direct: boolean, ignoreSkipHint = false): Pass {
  const node = sim.nodes[n];
  const pb = node.pb;
  clampHints(node);
  const pass: Pass = { created: 0, migrateScanned: 0, freeScanned: 0, isolated: 0, migrated: 0, complete: false };
  const used = usedMovable(node);
  const scattered = movableScattered(node);
  // ignore_skip_hint (proactive compaction): every pageblock is a source, skip bit or not.
  let open = used - (ignoreSkipHint ? 0 : pb.skip);
  // The free scanner misses a regular pattern (pb.hidden) at a stride of 32. Async starts every
  // call there. Sync-light starts at 1 but isolate_freepages() doubles the stride after each
  // pageblock that gave nothing, up to COMPACT_CLUSTER_MAX, and an even stride never lands on a
  // page freed at odd offsets. It starts at the zone's end, where full pageblocks sit: in the
  // corpus guests' traces it went blind on the first one, in DMA32 and in Normal (docs/model.md).
  const blind = mode === 'light' || pb.hidden > 0;
  if (want <= 0) return pass;
  if (open <= 0 || scattered <= 0) {
    pass.complete = true;
  } else {
    // The async free scanner starts each call at a stride of 32 pages, so it isolates only the
    // free pages it samples (its free-list search finds few others: it looks for pages high in the
    // zone, and the lists hold the earliest-freed pages last); sync-light scans every page until
    // its stride grows (above).
    const usable = blind ? Math.max(0, scattered - pb.hidden) : scattered;
    const freePerBlock = usable / used;
    const migratePerBlock = HPAGE_NR - scattered / used;
    // Each block made consumes one source and the targets its pages fill.
    const perBlock = freePerBlock > 0 ? 1 + migratePerBlock / freePerBlock : Infinity;
    const sourcesOk = 1 - pb.polluted / used;
    const possible = Number.isFinite(perBlock) ? Math.floor((open * sourcesOk) / perBlock) : 0;
    pass.created = Math.max(0, Math.min(want, possible));
    const targets = pass.created > 0 ? Math.round(pass.created * (perBlock - 1)) : 0;
    pass.migrateScanned += pass.created * HPAGE_NR;
    pass.freeScanned += targets * HPAGE_NR;
    pass.migrated += Math.round(pass.created * migratePerBlock);
    pass.isolated += 2 * pass.migrated;
    pb.skip += targets;
    open -= pass.created + targets;
    if (pass.created < want) {
      // The scanners meet: what is left is scanned once, with too few targets to empty a block.
      pass.complete = true;
      // Async (or a sync-light scanner gone blind): the first cluster the migrate scanner
      // isolates finds no target and the free scanner samples its way down to it; sync-light
      // reads both halves of what is left.
      const rest = Math.max(0, open);
      pass.migrateScanned += blind ? Math.min(rest, 1) * COMPACT_CLUSTER_MAX : Math.round((rest * HPAGE_NR) / 2);
      pass.freeScanned += blind ? rest * (HPAGE_NR / COMPACT_CLUSTER_MAX) : Math.round((rest * HPAGE_NR) / 2);
      pb.skip += rest;
    }
    if (pass.created > 0) {
      // Emptied pageblocks are free blocks now, with the hidden pages they held; async targets
      // took visible pages, sync-light ones pages of every offset.
      const hiddenGone = (pass.created * pb.hidden) / used + (!blind ? (pass.migrated * pb.hidden) / scattered : 0);
      pb.hidden -= Math.min(pb.hidden, Math.round(hiddenGone));
      node.freeBlocks += pass.created;
      node.clampBlocks();
    }
  }
  if (pass.complete && direct) pb.blockskipFlush = true;
  clampHints(node);
  sim.vmstat.add('compact_migrate_scanned', pass.migrateScanned);
  sim.vmstat.add('compact_free_scanned', pass.freeScanned);
  sim.vmstat.add('compact_isolated', pass.isolated);
  sim.vmstat.add('pgmigrate_success', pass.migrated);
  return pass;
}

/** __reset_isolation_suitable(): clears the skip bits once a full pass finished (kswapd going to
 *  sleep, or compaction restarting after being deferred to the limit). */
function resetIsolationSuitable(node: NodeState): void {
  if (!node.pb.blockskipFlush) return;
  node.pb.blockskipFlush = false;
  node.pb.skip = 0;
}

/** compaction_deferred(): true while attempts after a sync failure are still being skipped. */
function compactionDeferred(node: NodeState): boolean {
  if (node.compactDeferShift === 0) return false;
  const limit = 1 << node.compactDeferShift;
  if (++node.compactConsidered >= limit) {
    node.compactConsidered = limit;
    return false;
  }
  return true;
}

function deferCompaction(node: NodeState): void {
  node.compactConsidered = 0;
  node.compactDeferShift = Math.min(MAX_DEFER_SHIFT, node.compactDeferShift + 1);
}

/**
 * `attempts` THP faults each try to compact node n (try_to_compact_pages). Returns how many got a
 * block. Every attempt that runs is a compact_stall charged to the faulting workload.
 */
export function tryToCompactPages(sim: Sim, n: number, prio: CompactPriority, attempts: number, wl: WorkloadState | null): { result: CompactResult; successes: number } {
  const node = sim.nodes[n];
  if (attempts <= 0 || !compactionSuitable(sim, n)) return { result: 'skipped', successes: 0 };
  let ran = 0;
  let successes = 0;
  let deferred = 0;
  for (let i = 0; i < attempts; i++) {
    if (compactionDeferred(node)) {
      deferred++;
      continue;
    }
    // compaction_restarting(): deferred to the limit and tried again, with the skip bits cleared.
    if (node.compactDeferShift === MAX_DEFER_SHIFT && node.compactConsidered >= 1 << MAX_DEFER_SHIFT) resetIsolationSuitable(node);
    ran++;
    const pass = compactZone(sim, n, prio, 1, true);
    if (pass.created > 0) {
      successes++;
      // compaction_defer_reset() after the allocation succeeded.
      node.compactDeferShift = 0;
      node.compactConsidered = 0;
    } else if (prio === 'full') {
      deferCompaction(node);
    }
    // Once a pass found nothing, the rest of the batch would see the same pageblocks.
    if (pass.created === 0 && pass.complete && usedMovable(node) - node.pb.skip <= 0) {
      ran += attempts - i - 1;
      break;
    }
  }
  if (ran === 0) return { result: deferred > 0 ? 'deferred' : 'skipped', successes: 0 };
  const fails = ran - successes;
  sim.vmstat.add('compact_stall', ran);
  sim.vmstat.add('compact_success', successes);
  sim.vmstat.add('compact_fail', fails);
  const cost = (prio === 'light' ? sim.costs.compactStall / 4 : sim.costs.compactStall) * ran;
  wl?.stall('compaction', cost);
  const what = `${prio === 'light' ? 'async' : 'sync-light'} direct compaction for THP fault`;
  if (successes > 0) sim.events.record(sim.nowNs, 'compact_success', node.id, successes * HPAGE_NR, what, wl?.name, cost * (successes / ran));
  if (fails > 0) sim.events.record(sim.nowNs, 'compact_fail', node.id, fails * HPAGE_NR, what, wl?.name, cost * (fails / ran));
  return { result: successes > 0 ? 'success' : 'fail', successes };
}

/** kswapd_try_to_sleep(): kswapd going to sleep clears the skip bits a completed direct pass left. */
export function kswapdSleeps(sim: Sim, n: number): void {
  resetIsolationSuitable(sim.nodes[n]);
}

// --- kcompactd -----------------------------------------------------------------------------------

/** HPAGE_FRAG_CHECK_INTERVAL_MSEC: kcompactd's timeout, at which it checks the node's
 *  fragmentation score (proactive compaction). */
const PROACTIVE_INTERVAL_NS = 500e6;

/**
 * fragmentation_score_node(): each zone's extfrag_for_order(zone, HPAGE_PMD_ORDER), the share
 * (0-100) of its free pages outside free 2 MiB blocks, weighted by the zone's size over the
 * node's (fragmentation_score_zone_weighted; the kernel weighs by present pages, the model by
 * managed ones). The pageblock model keeps free blocks per node, so every zone has the node's
 * share.
 */
export function fragmentationScoreNode(node: NodeState): number {
  const free = node.free;
  const zoneScore = free > 0 ? Math.floor(((free - node.freeBlocks * HPAGE_NR) * 100) / free) : 0;
  let score = 0;
  for (let i = 0; i < node.zones.length; i++) score += Math.floor((node.zones[i].managed * zoneScore) / (node.totalPages + 1));
  return score;
}

/** fragmentation_score_wmark(): low = max(100 - vm.compaction_proactiveness, 5), high = low + 10
 *  (at most 100). */
export function fragmentationScoreWmark(sim: Sim, low: boolean): number {
  const wmarkLow = Math.max(100 - sim.knob('vm.compaction_proactiveness'), 5);
  return low ? wmarkLow : Math.min(wmarkLow + 10, 100);
}

function proactiveOn(sim: Sim): boolean {
  if (sim.knob('vm.compaction_proactiveness') <= 0) return false;
  // Before 5.9 only a setting kept as a backport (the checker's version-lacks override) runs it.
  return sim.kernel.proactiveCompaction || (sim.scenario.kernel?.overrides ?? []).some((o) => o.startsWith('vm.compaction_proactiveness'));
}

/** should_proactive_compact_node(): proactiveness on, kswapd not running on the node
 *  (kswapd_is_running), and the node's score above the high mark. */
export function shouldProactiveCompactNode(sim: Sim, n: number): boolean {
  if (!proactiveOn(sim) || sim.nodes[n].kswapd.awake) return false;
  return fragmentationScoreNode(sim.nodes[n]) > fragmentationScoreWmark(sim, false);
}

/** The free blocks node n needs for its zones' score to be at most `mark`. */
function blocksForScore(node: NodeState, mark: number): number {
  // floor((free - blocks * 512) * 100 / free) <= mark  <=>  blocks * 512 > free * (99 - mark) / 100
  const need = Math.floor((node.free * (99 - mark)) / (100 * HPAGE_NR)) + 1;
  return Math.max(0, need - node.freeBlocks);
}

/**
 * proactive_compact_node(): MIGRATE_SYNC_LIGHT compaction of the node with order -1, ignoring
 * the skip hints, until the zones' score is at most the low mark (__compact_finished) or the
 * scanners meet. The scans count in compact_*_scanned; in compact_daemon_*_scanned only from 6.3.
 */
function proactiveCompactNode(sim: Sim, n: number): Pass {
  const pass = compactZone(sim, n, 'full', blocksForScore(sim.nodes[n], fragmentationScoreWmark(sim, true)), false, true);
  if (sim.kernel.proactiveDaemonCounters) {
    sim.vmstat.add('compact_daemon_migrate_scanned', pass.migrateScanned);
    sim.vmstat.add('compact_daemon_free_scanned', pass.freeScanned);
  }
  return pass;
}

/** zone_watermark_ok() at order 9 against the min mark: a free block to allocate right away. */
function orderFits(node: NodeState): boolean {
  return node.freeBlocks > 0 && node.availableAbove('min') >= HPAGE_NR;
}

/** kcompactd_node_suitable(): the order does not fit yet and compaction is suitable. */
function kcompactdNodeSuitable(sim: Sim, n: number): boolean {
  return !orderFits(sim.nodes[n]) && compactionSuitable(sim, n);
}

/**
 * wakeup_kcompactd(): records the order (kcompactd_max_order) and wakes kcompactd when the node
 * is suitable; an order recorded without a wakeup waits for kcompactd's timeout.
 */
export function wakeupKcompactd(sim: Sim, n: number, order: number): void {
  if (!sim.kernel.kcompactd || order <= 0) return;
  const pb = sim.nodes[n].pb;
  pb.kcompactdOrder = Math.max(pb.kcompactdOrder, order);
  if (kcompactdNodeSuitable(sim, n)) pb.kcompactdWoken = true;
}

/**
 * kcompactd_do_work(): sync-light compaction for the requested order (9) that respects the skip
 * hints and the deferral, unless the order already fits or compaction is not suitable; a pass
 * that ends with the scanners met defers like sync direct compaction (defer_compaction).
 */
function kcompactdDoWork(sim: Sim, n: number): void {
  const node = sim.nodes[n];
  node.pb.kcompactdOrder = 0;
  node.pb.kcompactdWoken = false;
  sim.vmstat.add('compact_daemon_wake', 1);
  if (compactionDeferred(node) || orderFits(node) || !compactionSuitable(sim, n)) return;
  const pass = compactZone(sim, n, 'full', 1, false);
  // COMPACT_SUCCESS resets nothing here (compaction_defer_reset with alloc_success false).
  if (pass.created === 0) deferCompaction(node);
  sim.vmstat.add('compact_daemon_migrate_scanned', pass.migrateScanned);
  sim.vmstat.add('compact_daemon_free_scanned', pass.freeScanned);
  sim.events.record(sim.nowNs, pass.created > 0 ? 'compact_success' : 'compact_fail', node.id, pass.created * HPAGE_NR, 'kcompactd (woken for a THP)');
}

/**
 * kcompactd(), once per step for node n: the work a wakeup asked for (which also restarts the
 * timeout), or at the timeout a proactive run when should_proactive_compact_node(). A run that
 * did not lower the node's score makes the next timeout 1 << COMPACT_MAX_DEFER_SHIFT times as
 * long (32 s); a wakeup in between resets it.
 */
export function kcompactdRun(sim: Sim, n: number): void {
  if (!sim.kernel.kcompactd) return;
  const node = sim.nodes[n];
  const pb = node.pb;
  const now = sim.nowNs;
  const timedOut = proactiveOn(sim) && now >= pb.proactiveAtNs;
  if (pb.kcompactdOrder > 0 && (pb.kcompactdWoken || timedOut)) {
    kcompactdDoWork(sim, n);
    pb.proactiveAtNs = now + PROACTIVE_INTERVAL_NS;
    return;
  }
  if (!timedOut) return;
  pb.proactiveAtNs = now + PROACTIVE_INTERVAL_NS;
  if (!shouldProactiveCompactNode(sim, n)) return;
  const prev = fragmentationScoreNode(node);
  const pass = proactiveCompactNode(sim, n);
  const score = fragmentationScoreNode(node);
  if (score >= prev) pb.proactiveAtNs = now + PROACTIVE_INTERVAL_NS * (1 << MAX_DEFER_SHIFT);
  sim.events.record(sim.nowNs, pass.created > 0 ? 'compact_success' : 'compact_fail', node.id, pass.created * HPAGE_NR, `proactive compaction: fragmentation score ${prev} -> ${score}`);
}

// --- migratetype fallback -----------------------------------------------------------------------

/** What a non-movable allocation did to node n's pageblocks (__rmqueue_fallback outcomes). */
export interface FallbackEvent {
  node: number;
  migratetype: Exclude<Migratetype, 'movable'>;
  /** Pages taken (fewer than asked when the node is at `mark`). */
  taken: number;
  /** Whole free pageblocks claimed (order >= pageblock_order: relabelled, no boost). */
  claimed: number;
  /** Used movable pageblocks stolen from (order < pageblock_order): each is an external
   *  fragmentation event, for which steal_suitable_fallback() boosts the watermark. */
  stolen: number;
}

/**
 * Takes `pages` unmovable or reclaimable pages (slab, page tables) from node n down to `mark`.
 * They fill their own migratetype's pageblocks first; then __rmqueue_fallback() takes the largest
 * free block, so whole free pageblocks are claimed for the migratetype; when none is left, pages
 * are stolen from used movable pageblocks. A stolen-from pageblock whose free pages are at least
 * half of it is relabelled (steal_suitable_fallback: free + alike pages >= half a pageblock);
 * otherwise it stays movable with an unmovable page in it that compaction can never move.
 */
export function allocNonMovable(sim: Sim, n: number, pages: number, migratetype: Exclude<Migratetype, 'movable'>, mark: Wmark | null): FallbackEvent {
  const node = sim.nodes[n];
  const pb = node.pb;
  const ev: FallbackEvent = { node: n, migratetype, taken: 0, claimed: 0, stolen: 0 };
  if (pages <= 0) return ev;
  const scatteredBefore = node.scatteredFree;
  const room = Math.min(pb.room[migratetype], Math.max(0, scatteredBefore));
  ev.taken = node.takePages(pages, mark);
  const own = Math.min(ev.taken, room);
  pb.room[migratetype] = room - own;
  let rest = ev.taken - own;
  ev.claimed = Math.min(node.freeBlocks, Math.ceil(rest / HPAGE_NR));
  if (ev.claimed > 0) {
    node.freeBlocks -= ev.claimed;
    pb[migratetype] += ev.claimed;
    const fromClaimed = Math.min(rest, ev.claimed * HPAGE_NR);
    pb.room[migratetype] += ev.claimed * HPAGE_NR - fromClaimed;
    rest -= fromClaimed;
  }
  if (rest > 0) {
    const used = usedMovable(node);
    const freePerBlock = used > 0 ? Math.max(0, scatteredBefore - room) / used : 0;
    ev.stolen = freePerBlock > 0 ? Math.min(used, Math.ceil(rest / freePerBlock)) : 0;
    if (freePerBlock >= HPAGE_NR / 2) {
      pb[migratetype] += ev.stolen;
      pb.room[migratetype] += Math.max(0, Math.round(ev.stolen * freePerBlock) - rest);
    } else {
      pb.polluted += ev.stolen;
    }
    scatteredTaken(node, rest, scatteredBefore);
  }
  node.clampBlocks();
  clampHints(node);
  return ev;
}

/** Frees non-movable pages on node n: they go back into their own pageblocks. */
export function freeNonMovable(sim: Sim, n: number, pages: number, migratetype: Exclude<Migratetype, 'movable'>): void {
  if (pages <= 0) return;
  sim.nodes[n].givePages(pages);
  sim.nodes[n].pb.room[migratetype] += pages;
}
