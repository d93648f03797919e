// The page allocator: mm/page_alloc.c __alloc_pages(). The fast path get_page_from_freelist()
// walks the zonelist against the low watermark, calling node_reclaim() for zones within
// RECLAIM_DISTANCE when zone_reclaim_mode is set; the slow path __alloc_pages_slowpath() wakes
// kswapd, retries at the min watermark, compacts for huge pages, reclaims directly and retries.
// Requests are bulk (many pages of one slice at once); the loop is driven by watermark
// crossings, not by pages.

import { allocNonMovable, compactionReady, CompactPriority, freeNonMovable, tryToCompactPages } from './compaction';
import { HPAGE_NR, HPAGE_ORDER, SWAP_CLUSTER_MAX, Wmark, wmarkPages } from './machine';
import type { Region, Slice } from './memory';
import { nodeReclaimForFaults } from './node_reclaim';
import type { Sim, WorkloadState } from './sim';
import { swapQueueWaitNs } from './swap_io';
import { kswapdRun, lruPassNs, tryToFreePages, unreferencedReclaimable, wakeupKswapd, wakeupKswapdHighOrder, writebackRetryWaitNs } from './vmscan';

export interface AllocRequest {
  wl: WorkloadState | null;
  region: Region;
  slice: Slice;
  /** 4 KiB pages wanted; a multiple of 512 for huge. */
  pages: number;
  huge: boolean;
  preferred: number;
  /** Nodes to try, in order (one node for __GFP_THISNODE). */
  zonelist: number[];
  /** __GFP_DIRECT_RECLAIM. */
  directReclaim: boolean;
  /** __GFP_KSWAPD_RECLAIM. */
  kswapd: boolean;
  /** Direct compaction priority for huge pages (null: none). */
  compact: CompactPriority | null;
  /** __GFP_NORETRY: give up after the first compaction (and one reclaim round). */
  noretry: boolean;
  cause: string;
}

function cpuNode(sim: Sim, wl: WorkloadState | null, fallback: number): number {
  return wl ? wl.homeNode : fallback;
}

function demotionWakeOnFallback(sim: Sim, n: number): boolean {
  return sim.scenario.knobs['numa.demotion_enabled'] === true && sim.nodes[n].demotionTargets.length > 0;
}

/** get_page_from_freelist(): takes pages from the zonelist's nodes above `mark`; with
 *  zone_reclaim_mode, the faults that find a node below low reclaim it in batches first and the
 *  ones node reclaim cannot serve move on down the zonelist. */
function getPageFromFreelist(sim: Sim, a: AllocRequest, mark: Wmark, want: number, allowNodeReclaim: boolean): number {
  let got = 0;
  const take = (n: number, k: number): number => {
    const t = takeAndBoost(n, k);
    if (t <= 0) return 0;
    sim.place(a.region, a.slice, n, t, a.huge);
    sim.vmstat.countNumaAlloc(a.preferred, n, cpuNode(sim, a.wl, a.preferred), a.huge ? t / HPAGE_NR : t);
    got += t;
    return t;
  };
  const takeAndBoost = (n: number, k: number): number => {
    const zones = sim.nodes[n].zones;
    const before = zones.map((z) => z.free);
    const t = k > 0 ? sim.takeFromNode(n, k, a.huge, mark, pcpCpu(a)) : 0;
    if (t <= 0) return 0;
    // The first time a zone is drained to its mark, its last free pages are scraps in
    // pageblocks of other migratetypes: the pcp refills (rmqueue_bulk) that drain it fall back
    // one after the other, each boosting, until the boost reaches its cap. Pages reclaimed later
    // come back in movable pageblocks, so later drains do not fall back.
    // ALLOC_NOFRAGMENT (the fast path of an allocation whose preferred zone has a DMA32 zone
    // below it) only steals whole pageblocks, which boosts nothing: it moves on to the next zone.
    if (mark === 'low' && noFragment(sim, a.preferred)) return t;
    zones.forEach((z, zi) => {
      const floor = wmarkPages(z, mark) + z.reserve;
      if (z.drained || !(before[zi] > floor && z.free <= floor)) return;
      z.drained = true;
      for (let i = 0; i < 64 && migratetypeFallback(sim, n, zi); i++);
    });
    rmqueueBoostedWake(sim, n);
    return t;
  };
  for (const n of a.zonelist) {
    if (want - got <= 0) break;
    const k = allowance(sim, n, a.huge, mark, want - got, pcpCpu(a));
    take(n, k);
    let budget = 0;
    if (want - got > 0 && allowNodeReclaim && mark === 'low') {
      budget = nodeReclaimForFaults(sim, n, a.preferred, want - got, a.huge, a.wl);
      if (budget > 0) take(n, allowance(sim, n, a.huge, mark, Math.min(budget, want - got), pcpCpu(a)));
    }
    if (k <= 0 && budget <= 0) {
      // Measured on 6.1 with demotion on (kernel-data/tier.json): the node an allocation
      // falls back from gets its kswapd woken (boosted watermark), so it demotes its coldest
      // pages to the slow tier and takes new allocations again instead of spilling them there.
      if (mark === 'low' && n === a.preferred && demotionWakeOnFallback(sim, n)) wakeupKswapd(sim, n, 'allocation fell back from this node');
    }
  }
  return got;
}

/** The CPU node whose pcp lists serve a request: a task's order-0 allocation (THPs and the
 *  kernel's own requests do not use the movable order-0 lists). */
function pcpCpu(a: AllocRequest): number {
  return a.wl && !a.huge ? a.wl.homeNode : -1;
}

/** Pages node n can give this request above `mark` (zone_watermark_ok; order 9 also needs a
 *  free 2 MiB block). */
function allowance(sim: Sim, n: number, huge: boolean, mark: Wmark, want: number, cpu: number): number {
  const node = sim.nodes[n];
  const avail = node.availableAbove(mark, cpu);
  if (!huge) return Math.min(want, avail);
  return Math.min(Math.floor(want / HPAGE_NR), Math.floor(avail / HPAGE_NR), node.freeBlocks) * HPAGE_NR;
}

/** __alloc_pages(): returns the pages placed (fewer than asked when the allocation fails). */
export function allocPages(sim: Sim, a: AllocRequest): number {
  const nodeReclaimOn = sim.knob('vm.zone_reclaim_mode') > 0;
  let placed = getPageFromFreelist(sim, a, 'low', a.pages, nodeReclaimOn);
  if (placed >= a.pages) return placed;

  // __alloc_pages_slowpath() begins with wake_all_kswapds() at the request's order: for a THP,
  // order 9, which no node without a free block is balanced at.
  if (a.huge && a.kswapd) for (const n of a.zonelist) wakeupKswapdHighOrder(sim, n, HPAGE_ORDER, a.directReclaim, a.cause);
  // __alloc_pages_slowpath(). kswapd runs alongside the allocating task: before the task falls
  // to the min watermark and into direct reclaim, kswapd spends the time it has in this step,
  // reclaiming to high, being woken again each time the allocations drag the node below low.
  for (let round = 0; round < 64 && placed < a.pages; round++) {
    let worked = false;
    for (const n of a.zonelist) {
      const node = sim.nodes[n];
      if (a.kswapd && node.availableAbove('low') <= 0) wakeupKswapd(sim, n, a.cause);
      if (!node.kswapd.awake || node.kswapd.budgetNs <= 0) continue;
      const before = node.free;
      kswapdRun(sim, n);
      if (node.free > before) worked = true;
    }
    placed += getPageFromFreelist(sim, a, 'low', a.pages - placed, false);
    if (!worked) break;
  }
  placed += getPageFromFreelist(sim, a, 'min', a.pages - placed, false);
  if (placed >= a.pages) return placed;
  if (!a.directReclaim) return placed;

  if (a.huge) return placed + hugeSlowpath(sim, a, a.pages - placed);

  // Order-0: direct reclaim and retry while reclaim makes progress (should_reclaim_retry).
  let drained = false;
  // The task's time: it moves on when it waits for writeback before a retry.
  let atNs = Math.max(sim.nowNs, sim.lru[a.zonelist[0]].clockNs);
  for (let round = 0; round < 16 && placed < a.pages; round++) {
    const need = a.pages - placed;
    const deficit = Math.max(0, Math.max(...a.zonelist.map((n) => sim.nodes[n].level('min') + 1 - sim.nodes[n].free)));
    const want = need + deficit + SWAP_CLUSTER_MAX;
    const got = tryToFreePages(sim, a.zonelist, want, a.wl, a.cause, atNs);
    placed += getPageFromFreelist(sim, a, 'min', a.pages - placed, false);
    if (got < want && placed < a.pages) {
      // Its writes to swap are not done yet: retry once they are (should_reclaim_retry). A
      // reclaim that stopped at the swap device's full request queue (get_request) was waiting
      // for writeback too, though other faults' writes it waited behind may have ended already.
      const queued = swapQueueWaitNs(sim, atNs);
      const wait = writebackRetryWaitNs(sim, a.zonelist, want - got, atNs) ?? (queued > 0 ? queued : null);
      if (wait !== null) {
        atNs += wait;
        a.wl?.stall('reclaim', wait);
        if (got === 0) continue;
      }
    }
    if (got === 0) break;
    // __alloc_pages_direct_reclaim(): reclaim made progress but the retry still failed, so the
    // other CPUs' pcp lists are drained (drain_all_pages) and it retries once more.
    if (placed < a.pages && !drained) {
      drained = true;
      sim.drainAllPages();
      placed += getPageFromFreelist(sim, a, 'min', a.pages - placed, false);
    }
  }
  return placed;
}

/** The slow path of THP faults: direct compaction, then (unless __GFP_NORETRY makes it give up)
 *  one round of direct reclaim and compaction again; costly orders without
 *  __GFP_RETRY_MAYFAIL do not loop further. Works on batches of THPs so its cost does not
 *  follow the size of the request. */
function hugeSlowpath(sim: Sim, a: AllocRequest, want: number): number {
  const units = want / HPAGE_NR;
  const batches = Math.min(units, 16);
  let placed = 0;
  let unitsLeft = units;
  for (let b = 0; b < batches && unitsLeft > 0; b++) {
    const batch = Math.ceil(unitsLeft / (batches - b));
    let got = 0;
    let skipped = true;
    for (const n of a.zonelist) {
      // The first attempt is always INIT_COMPACT_PRIORITY (async); after reclaim, a request without
      // __GFP_NORETRY compacts at DEF_COMPACT_PRIORITY (sync-light).
      const r = tryToCompactPages(sim, n, 'light', batch - got / HPAGE_NR, a.wl);
      if (r.result !== 'skipped' && r.result !== 'deferred') skipped = false;
      got += getPageFromFreelist(sim, { ...a, zonelist: [n] }, 'min', batch * HPAGE_NR - got, false);
      if (got >= batch * HPAGE_NR) break;
    }
    // __GFP_NORETRY: give up when compaction was skipped or deferred; otherwise the kernel would
    // try reclaim, but reclaim is skipped while compaction_ready() (enough free memory).
    if (got < batch * HPAGE_NR && !(a.noretry && skipped)) {
      const needReclaim = a.zonelist.some((n) => !compactionReady(sim, n));
      if (needReclaim) {
        const node = sim.nodes[a.zonelist[0]];
        const faults = batch - got / HPAGE_NR;
        // should_continue_reclaim(): reclaim for a costly order goes on until compaction is
        // suitable (low watermark + compact_gap) while its passes keep finding pages to free.
        const gap = Math.max(0, node.level('low') + 2 * HPAGE_NR - node.free);
        const wanted = gap + (batch * HPAGE_NR - got);
        // A pass that finds only referenced pages (a busy workload's own memory) frees nothing
        // and ends that continuation: each fault then leaves with the SWAP_CLUSTER_MAX pages
        // do_try_to_free_pages() was asked for, got at lowered priority after a pass over the
        // LRU. This is why __GFP_THISNODE swaps a little per fault rather than the whole
        // overflow: the fault fails, falls back to a base page, and the next one does it again.
        const cold = a.zonelist.reduce((t, n) => t + unreferencedReclaimable(sim, n), 0);
        let freed = cold > 0 ? tryToFreePages(sim, a.zonelist, Math.min(wanted, cold), a.wl, `${a.cause} (THP)`) : 0;
        if (freed < wanted && cold < wanted) {
          freed += tryToFreePages(sim, a.zonelist, Math.min(wanted - freed, faults * SWAP_CLUSTER_MAX), a.wl, `${a.cause} (THP)`);
          const hotFaults = Math.max(1, Math.round((faults * (wanted - cold)) / wanted));
          const pass = lruPassNs(sim, a.zonelist[0]);
          sim.vmstat.add('pgscan_direct', hotFaults * pass.pages);
          a.wl?.stall('reclaim', hotFaults * pass.ns);
        }
        for (const n of a.zonelist) {
          if (got >= batch * HPAGE_NR) break;
          got += getPageFromFreelist(sim, { ...a, zonelist: [n] }, 'min', batch * HPAGE_NR - got, false);
          if (got < batch * HPAGE_NR) {
            tryToCompactPages(sim, n, a.compact ?? 'full', batch - got / HPAGE_NR, a.wl);
            got += getPageFromFreelist(sim, { ...a, zonelist: [n] }, 'min', batch * HPAGE_NR - got, false);
          }
        }
      }
    }
    placed += got;
    unitsLeft -= batch;
  }
  return placed;
}

// --- watermark boosting and the kernel's own allocations -----------------------------------------

/**
 * steal_suitable_fallback() below pageblock order: an allocation found no free page of its
 * migratetype on node n and took one from another migratetype's pageblock. boost_watermark()
 * raises the zone's marks (from 5.0, unless vm.watermark_boost_factor is 0) and sets
 * ZONE_BOOSTED_WATERMARK, so the next rmqueue() wakes kswapd. The hook a pageblock model
 * calls; without one, the zone-drain model in getPageFromFreelist() decides when one happens.
 */
export function migratetypeFallback(sim: Sim, n: number, zone?: number): boolean {
  if (!sim.kernel.watermarkBoost) return false;
  const node = sim.nodes[n];
  if (!node.boostWatermark(sim.knob('vm.watermark_boost_factor'), zone)) return false;
  node.boostedWake = true;
  return true;
}

/** alloc_flags_nofragment(): set when the preferred zone is ZONE_NORMAL with a populated DMA32
 *  zone below it on its node. */
function noFragment(sim: Sim, preferred: number): boolean {
  const zones = sim.nodes[preferred].zones;
  return zones.length > 1 && zones[zones.length - 1].name === 'Normal' && zones[zones.length - 2].name === 'DMA32';
}

/** rmqueue(): test-and-clear ZONE_BOOSTED_WATERMARK and wake the node's kswapd. */
function rmqueueBoostedWake(sim: Sim, n: number): void {
  const node = sim.nodes[n];
  if (!node.boostedWake) return;
  node.boostedWake = false;
  wakeupKswapd(sim, n, 'watermark boosted by a migratetype fallback');
}

/**
 * Unmovable kernel pages (page tables) for a fault on a CPU of node `zonelist[0]`: taken from
 * the first node of the zonelist above its low mark, else above min (the allocation is tiny
 * next to the faults it serves, so it is not reclaimed for), through the pageblock model's
 * __rmqueue_fallback (allocNonMovable: own pageblocks, then whole free ones claimed, then
 * stolen from used movable ones). Each steal is a migratetype fallback below pageblock order,
 * which boosts the zone. Slab of reclaimable caches (the page cache's xarray nodes) is
 * MIGRATE_RECLAIMABLE (__GFP_RECLAIMABLE). Returns the node the pages went to, or -1.
 */
export function kernelAlloc(sim: Sim, zonelist: number[], pages: number, migratetype: 'unmovable' | 'reclaimable' = 'unmovable'): number {
  for (const mark of ['low', 'min'] as const) {
    for (const n of zonelist) {
      const node = sim.nodes[n];
      if (node.availableAbove(mark) < pages) continue;
      const ev = allocNonMovable(sim, n, pages, migratetype, mark);
      if (ev.taken <= 0) continue;
      // ALLOC_NOFRAGMENT forbids a steal only on the first walk of the zonelist: a steal means
      // no zone of the node had room or a whole free pageblock, and get_page_from_freelist()
      // retries without ALLOC_NOFRAGMENT before it leaves the preferred node, so it steals here
      // all the same, and steal_suitable_fallback() boosts.
      for (let i = 0; i < ev.stolen; i++) migratetypeFallback(sim, n);
      rmqueueBoostedWake(sim, n);
      node.kernelPages += ev.taken;
      return n;
    }
  }
  return -1;
}

/** Kernel pages given back (page tables of an unmapped range, a cache's slab): they go back
 *  into the node's pageblocks of their migratetype. */
export function kernelFree(sim: Sim, n: number, pages: number, migratetype: 'unmovable' | 'reclaimable' = 'unmovable'): void {
  if (pages <= 0) return;
  const node = sim.nodes[n];
  const k = Math.min(pages, node.kernelPages);
  node.kernelPages -= k;
  freeNonMovable(sim, n, k, migratetype);
}
