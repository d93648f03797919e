// Node reclaim (zone_reclaim_mode): mm/vmscan.c node_reclaim() / __node_reclaim(), called from
// get_page_from_freelist() when a zone fails its low watermark and the zone is within
// RECLAIM_DISTANCE of the preferred one (zone_allows_reclaim).
//
// The kernel works one fault at a time: a fault that finds the node below low takes
// PGDAT_RECLAIM_LOCKED, reclaims one batch (max(1 << order, SWAP_CLUSTER_MAX) pages), re-checks
// the watermark and, only if it now passes, allocates locally; otherwise it moves on to the next
// zone of the zonelist (remote). Faults of the workload's other CPUs that arrive while the lock
// is held get NODE_RECLAIM_NOSCAN and go remote at once. The model takes a request's faults in
// aggregate: how many are spent lifting the node back to its mark, how many batches the rest
// needs and how many faults land remote while those batches are reclaimed.

import { HPAGE_NR, RECLAIM_DISTANCE, SWAP_CLUSTER_MAX } from './machine';
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

/** Faults per ns that the workload's other CPUs on node n take while one of them reclaims.
 *  One CPU never races itself (kernel-data zr1: a 1-CPU guest, all anon local). */
function othersFaultRate(sim: Sim, wl: WorkloadState | null, n: number): number {
  if (!wl) return 0;
  const share = wl.cpuNodes.find((c) => c.node === n)?.weight ?? 0;
  const cpus = Math.round(wl.spec.cpus.length * share);
  if (cpus <= 1) return 0;
  let rate = 0;
  for (const al of wl.allocs) rate += al.ratePerNs;
  for (const rd of wl.reads) rate += rd.ratePerNs;
  // Each CPU takes faults one at a time at most.
  return Math.min((rate * (cpus - 1)) / cpus, (cpus - 1) / Math.max(1, sim.costs.minorFault));
}

/**
 * The faults of one request (`pages` base pages, or THPs when `huge`) that find node n below its
 * low watermark, with zone_reclaim_mode set. Reclaims what they would reclaim and returns how
 * many pages of the request the node can now serve locally; the rest goes to the next zone.
 * Returns 0 when node reclaim does not apply (mode 0, too far, NODE_RECLAIM_FULL).
 */
export function nodeReclaimForFaults(sim: Sim, n: number, preferred: number, pages: number, huge: boolean, wl: WorkloadState | null): number {
  const mode = sim.knob('vm.zone_reclaim_mode');
  if (!mode || pages <= 0) return 0;
  if (sim.distance[preferred][n] > RECLAIM_DISTANCE) return 0;
  const node = sim.nodes[n];
  // NODE_RECLAIM_NOSCAN: node_reclaim() runs only on the faulting CPU's own node or on a node
  // without CPUs ("favor the local processor over remote processors"); a remote node with CPUs
  // is skipped and the fault moves on down the zonelist (kernel corpus zr1-remotecpu).
  if (node.spec.cpus.length > 0 && (!wl || n !== wl.homeNode)) return 0;
  const minUnmapped = Math.floor((node.totalPages * sim.knob('vm.min_unmapped_ratio')) / 100);
  // NODE_RECLAIM_FULL once the unmapped page cache is down to min_unmapped_pages (no counter).
  const room = mode & RECLAIM_UNMAP ? Infinity : pagecacheReclaimable(sim, n, mode) - minUnmapped;
  if (room <= 0) return 0;

  // A fault is one page, or one THP (order 9: nr_pages = 512 > SWAP_CLUSTER_MAX).
  const unit = huge ? HPAGE_NR : 1;
  const batch = Math.max(unit, SWAP_CLUSTER_MAX);
  const faults = Math.floor(pages / unit);
  if (faults <= 0) return 0;
  // Pages the node is below the mark of its cheapest zone (the zone the re-check can pass in;
  // the lower zones' lowmem reserves are not a debt node reclaim must pay).
  const deficit = node.deficit('low');
  // Calls whose batch does not lift the zone over its mark: __node_reclaim succeeds, the re-check
  // fails and the fault goes remote.
  const liftCalls = Math.min(faults, Math.max(0, Math.ceil(deficit / batch) - 1));
  // The rest of the faults: each batch serves batch/unit faults locally (the reclaimer's and the
  // ones after it until the node is at its mark again); while it is being reclaimed the other
  // CPUs' faults find PGDAT_RECLAIM_LOCKED set and go remote.
  const batchNs = batch * sim.costs.reclaimPage;
  const remotePerBatch = (othersFaultRate(sim, wl, n) / unit) * batchNs;
  const localPerBatch = batch / unit;
  const rest = faults - liftCalls;
  const localFaults = Math.round((rest * localPerBatch) / (localPerBatch + remotePerBatch));
  if (localFaults <= 0 && liftCalls === 0) return 0;

  const calls = Math.ceil((deficit + localFaults * unit) / batch);
  const target = Math.min(room, Math.max(batch, calls * batch));
  const r = shrinkNode(sim, n, target, {
    who: 'node', mayUnmap: !!(mode & RECLAIM_UNMAP), mayWrite: !!(mode & RECLAIM_WRITE), maySwap: true,
    memcg: null, fileOnly: !(mode & RECLAIM_UNMAP), cause: 'zone_reclaim_mode', workload: wl ?? undefined,
  });
  // Every reclaiming fault stalls for its batch: direct reclaim time charged to the task.
  wl?.stall('reclaim', r.timeNs);
  // Counted per node_reclaim() call (zone_reclaim_success since 6.12, zone_reclaim_failed
  // always): a call fails when it reclaims less than its batch (the page cache ran out).
  const succeeded = Math.floor(r.reclaimed / batch);
  sim.vmstat.add('zone_reclaim_success', succeeded);
  if (r.reclaimed < target) sim.vmstat.add('zone_reclaim_failed', 1);
  if (r.reclaimed > 0) {
    const remote = liftCalls + (rest - localFaults);
    const why = remote > 0
      ? `local node below low watermark, zone_reclaim_mode (${remote * unit} pages fell back remote: watermark re-check failed or reclaim lock busy)`
      : 'local node below low watermark, zone_reclaim_mode';
    sim.events.record(sim.nowNs, 'node_reclaim', node.id, r.reclaimed, why, wl?.name, r.timeNs);
  }
  // The caller takes these pages only as far as the watermark re-check lets it.
  return r.reclaimed > deficit ? localFaults * unit : 0;
}
