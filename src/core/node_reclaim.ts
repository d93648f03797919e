// Node reclaim (zone_reclaim_mode): mm/vmscan.c node_reclaim() / __node_reclaim(), called from
// get_page_from_freelist() when a zone fails its watermark and the zone is within
// RECLAIM_DISTANCE of the preferred one (zone_allows_reclaim).

import { RECLAIM_DISTANCE, SWAP_CLUSTER_MAX } from './machine';
import type { Sim, WorkloadState } from './sim';
import { shrinkNode } from './vmscan';

export const RECLAIM_ZONE = 1;
export const RECLAIM_WRITE = 2;
export const RECLAIM_UNMAP = 4;

/** node_pagecache_reclaimable(): page cache that node reclaim may take (all our page cache is
 *  unmapped: read() and write() fill it; dirty pages only with RECLAIM_WRITE). */
function pagecacheReclaimable(sim: Sim, n: number, mode: number): number {
  let t = 0;
  for (const r of sim.regions) {
    if (r.kind !== 'file') continue;
    for (const s of r.slices) {
      let p = s.base[n];
      if (!(mode & RECLAIM_WRITE)) p -= Math.min(p, Math.round((s.dirty * s.base[n]) / Math.max(1, s.mappedTotal())));
      t += p;
    }
  }
  return t;
}

/** Returns pages reclaimed on node n for an allocation that needs `need` pages there, or 0 when
 *  node reclaim does not apply (mode 0, too far, too little unmapped page cache). */
export function nodeReclaim(sim: Sim, n: number, preferred: number, need: number, wl: WorkloadState | null): number {
  const mode = sim.knob('vm.zone_reclaim_mode');
  if (!mode) return 0;
  if (sim.distance[preferred][n] > RECLAIM_DISTANCE) return 0;
  const node = sim.nodes[n];
  const minUnmapped = Math.floor((node.totalPages * sim.knob('vm.min_unmapped_ratio')) / 100);
  const reclaimableCache = pagecacheReclaimable(sim, n, mode);
  // NODE_RECLAIM_FULL: not enough unmapped page cache to be worth it (no counter moves).
  if (reclaimableCache <= minUnmapped && !(mode & RECLAIM_UNMAP)) return 0;
  const target = Math.max(need, SWAP_CLUSTER_MAX);
  const r = shrinkNode(sim, n, target, {
    who: 'node', mayUnmap: !!(mode & RECLAIM_UNMAP), mayWrite: !!(mode & RECLAIM_WRITE), maySwap: true,
    memcg: null, fileOnly: !(mode & RECLAIM_UNMAP), cause: 'zone_reclaim_mode', workload: wl ?? undefined,
  });
  wl?.stall('reclaim', r.timeNs);
  // Each __node_reclaim() call reclaims about a SWAP_CLUSTER_MAX batch: count calls that way.
  if (r.reclaimed >= need) sim.vmstat.add('zone_reclaim_success', Math.max(1, Math.ceil(r.reclaimed / SWAP_CLUSTER_MAX)));
  else sim.vmstat.add('zone_reclaim_failed', 1);
  if (r.reclaimed > 0) sim.events.record(sim.nowNs, 'node_reclaim', node.id, r.reclaimed, 'local node below low watermark, zone_reclaim_mode', wl?.name, r.timeNs);
  return r.reclaimed;
}
