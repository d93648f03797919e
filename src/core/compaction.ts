// Direct compaction for huge-page allocations: mm/compaction.c try_to_compact_pages(),
// compaction_suitable(), defer_compaction(). Free memory is either in whole free 2 MiB blocks or
// scattered; compaction migrates movable pages to turn scattered free pages into blocks.

import { HPAGE_NR } from './machine';
import type { Sim, WorkloadState } from './sim';

export type CompactPriority = 'light' | 'full';
export type CompactResult = 'skipped' | 'deferred' | 'success' | 'fail';

/** Async ("light", COMPACT_PRIO_ASYNC under __GFP_NORETRY) compaction gives up on contended or
 *  partly unmovable pageblocks: on a node whose free memory is scattered between pages in use it
 *  succeeded 2 times in 2049 attempts over the kernel data (thp.json and the corpus's thp-* cases,
 *  docs/model.md). */
const LIGHT_SUCCESS = 1 / 1024;
/** Sync compaction with enough free memory usually assembles a block. */
const FULL_SUCCESS = 0.85;
/** COMPACT_MAX_DEFER_SHIFT. */
const MAX_DEFER_SHIFT = 6;

/** compaction_suitable(): order-9 compaction needs the node above its low watermark by
 *  compact_gap (2 << order) pages, and scattered free pages to gather. */
export function compactionSuitable(sim: Sim, n: number): boolean {
  const node = sim.nodes[n];
  return node.availableAbove('low') >= 2 * HPAGE_NR && node.scatteredFree >= HPAGE_NR;
}

/** compaction_ready() for reclaim: enough free memory for compaction to run, so direct reclaim
 *  for a huge page stops (shrink_zones skips the zone). */
export function compactionReady(sim: Sim, n: number): boolean {
  return sim.nodes[n].availableAbove('high') >= 2 * HPAGE_NR;
}

/**
 * `attempts` THP faults each try to compact node n. Returns how many got a block. Every attempt
 * that runs is a compact_stall charged to the faulting workload.
 */
export function tryToCompactPages(sim: Sim, n: number, prio: CompactPriority, attempts: number, wl: WorkloadState | null): { result: CompactResult; successes: number } {
  const node = sim.nodes[n];
  if (attempts <= 0 || !compactionSuitable(sim, n)) return { result: 'skipped', successes: 0 };
  if (prio === 'full' && node.compactDeferShift > 0) {
    // compaction_deferred(): skip 1 << shift attempts after a failure.
    const skip = Math.min(attempts, (1 << node.compactDeferShift) - node.compactConsidered);
    if (skip > 0) {
      node.compactConsidered += skip;
      if (skip === attempts) return { result: 'deferred', successes: 0 };
      attempts -= skip;
    }
  }
  const p = prio === 'light' ? LIGHT_SUCCESS : FULL_SUCCESS;
  const possible = Math.floor(node.scatteredFree / HPAGE_NR);
  // Carried fractions, so one fault at a time still fails 15% of sync attempts (and defers).
  const successes = Math.min(attempts, possible, sim.compactLuck.take(p * attempts));
  node.freeBlocks += successes;
  node.clampBlocks();
  const fails = attempts - successes;
  sim.vmstat.add('compact_stall', attempts);
  sim.vmstat.add('compact_success', successes);
  sim.vmstat.add('compact_fail', fails);
  const cost = (prio === 'light' ? sim.costs.compactStall / 4 : sim.costs.compactStall) * attempts;
  wl?.stall('compaction', cost);
  if (successes > 0) sim.events.record(sim.nowNs, 'compact_success', node.id, successes * HPAGE_NR, `${prio} direct compaction for THP fault`, wl?.name, cost * (successes / attempts));
  if (fails > 0) sim.events.record(sim.nowNs, 'compact_fail', node.id, fails * HPAGE_NR, `${prio} direct compaction for THP fault`, wl?.name, cost * (fails / attempts));
  if (prio === 'full') {
    if (fails > 0 && successes === 0) {
      node.compactDeferShift = Math.min(MAX_DEFER_SHIFT, node.compactDeferShift + 1);
      node.compactConsidered = 0;
    } else if (successes > 0) {
      node.compactDeferShift = 0;
    }
  }
  return { result: successes > 0 ? 'success' : 'fail', successes };
}
