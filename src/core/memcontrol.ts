// Memory cgroups: mm/memcontrol.c try_charge(): memory.max (reclaim the cgroup, then OOM inside
// it), memory.high (reclaim the excess from the charging task, never OOM), memory.low
// (protection from global reclaim, applied in vmscan.ts). memory.current counts every resident
// page charged to the cgroup, deferred-split THPs whole.

import { SWAP_CLUSTER_MAX } from './machine';
import type { Region } from './memory';
import type { CgroupState, Sim, WorkloadState } from './sim';
import { shrinkNode } from './vmscan';

/** try_to_free_mem_cgroup_pages(): reclaims the cgroup's pages on every node it has some. */
export function memcgReclaim(sim: Sim, cg: CgroupState, need: number, wl: WorkloadState | null, cause: string): number {
  let got = 0;
  let timeNs = 0;
  // Nodes holding most of the cgroup first.
  const byNode = sim.nodes.map((_, n) => {
    let t = 0;
    for (const r of sim.regions) if (r.cgroup === cg.spec.name) for (const s of r.slices) t += s.resident(n);
    return { n, t };
  }).filter((x) => x.t > 0).sort((a, b) => b.t - a.t || a.n - b.n);
  for (const { n } of byNode) {
    if (got >= need) break;
    const r = shrinkNode(sim, n, need - got, { who: 'memcg', mayUnmap: true, mayWrite: true, maySwap: true, memcg: cg, fileOnly: false, cause, workload: wl ?? undefined });
    got += r.reclaimed;
    timeNs += r.timeNs;
    if (r.reclaimed > 0) sim.events.record(sim.nowNs, 'direct_reclaim', sim.nodes[n].id, r.reclaimed, `${cause} of cgroup ${cg.spec.name}`, wl?.name, r.timeNs);
  }
  wl?.stall('reclaim', timeNs);
  return got;
}

export type ChargeResult = 'ok' | 'oom';

/** try_charge() before `pages` are faulted into `region`. 'oom' means the cgroup could not
 *  make room: the caller runs the memcg OOM killer. */
export function tryCharge(sim: Sim, region: Region, pages: number, wl: WorkloadState | null): ChargeResult {
  const cg = sim.cgroupOf(region);
  if (!cg) return 'ok';
  const maxPages = cg.spec.max === null ? Infinity : Math.floor(cg.spec.max / 4096);
  if (cg.charged + pages > maxPages) {
    // Up to MAX_RECLAIM_RETRIES rounds while reclaim makes progress.
    for (let i = 0; i < 16 && cg.charged + pages > maxPages; i++) {
      const got = memcgReclaim(sim, cg, cg.charged + pages - maxPages + SWAP_CLUSTER_MAX, wl, 'memory.max');
      if (got === 0) break;
    }
    if (cg.charged + pages > maxPages) return 'oom';
  }
  return 'ok';
}

/** mem_cgroup_handle_over_high(): after charging, a task over memory.high reclaims the excess. */
export function handleOverHigh(sim: Sim, region: Region, wl: WorkloadState | null): void {
  const cg = sim.cgroupOf(region);
  if (!cg || cg.spec.high === null) return;
  const highPages = Math.floor(cg.spec.high / 4096);
  if (cg.charged > highPages) memcgReclaim(sim, cg, cg.charged - highPages + SWAP_CLUSTER_MAX, wl, 'memory.high');
}
