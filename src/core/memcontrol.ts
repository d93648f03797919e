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
    const lruBefore = sim.vmstat.counts.pgsteal_direct;
    const r = shrinkNode(sim, n, need - got, { who: 'memcg', mayUnmap: true, mayWrite: true, maySwap: true, memcg: cg, fileOnly: false, cause, workload: wl ?? undefined });
    got += r.reclaimed;
    timeNs += r.timeNs;
    // The event is the LRU's part (pgsteal): what the deferred split shrinker freed is its own
    // thp_split event, and a limit that only the shrinker met scanned no LRU page.
    const lru = sim.vmstat.counts.pgsteal_direct - lruBefore;
    if (lru > 0) sim.events.record(sim.nowNs, 'direct_reclaim', sim.nodes[n].id, lru, `${cause} of cgroup ${cg.spec.name}`, wl?.name, r.timeNs);
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

/** MEMCG_CHARGE_BATCH: try_charge() charges the page counter this many pages at a time, and
 *  the penalty below is sized per batch. */
const MEMCG_CHARGE_BATCH = 64;
/** MEMCG_MAX_HIGH_DELAY_JIFFIES (2 s) caps one penalty sleep; one of 10 ms or less (HZ / 100)
 *  is not slept at all. */
const MAX_HIGH_DELAY_NS = 2e9;
const MIN_HIGH_DELAY_NS = 1e7;

/**
 * calculate_high_delay(): the penalty sleep of a task whose cgroup stays over memory.high after
 * reclaim, per charge batch. With overage = (usage - high) / high, the kernel computes
 * overage^2 x HZ x 2^6 jiffies per MEMCG_CHARGE_BATCH pages (the fixed-point shifts 20 and 14),
 * scaled by the batch actually charged: overage^2 x nr_pages seconds.
 */
export function highDelayNs(usage: number, high: number, nrPages: number): number {
  if (usage <= high) return 0;
  const overage = (usage - high) / Math.max(1, high);
  const ns = Math.min(MAX_HIGH_DELAY_NS, overage * overage * nrPages * 1e9);
  return ns <= MIN_HIGH_DELAY_NS ? 0 : ns;
}

/** mem_cgroup_handle_over_high() on the return to user space after `pages` were charged: the
 *  task reclaims the excess over memory.high; what reclaim could not bring back under it is
 *  throttled by a penalty sleep for each charge batch, counted as reclaim stall. */
export function handleOverHigh(sim: Sim, region: Region, wl: WorkloadState | null, pages: number): void {
  const cg = sim.cgroupOf(region);
  if (!cg || cg.spec.high === null) return;
  const highPages = Math.floor(cg.spec.high / 4096);
  if (cg.charged <= highPages) return;
  // reclaim_high(), retried while it makes progress (MAX_RECLAIM_RETRIES) before sleeping.
  for (let i = 0; i < 16 && cg.charged > highPages; i++) {
    if (memcgReclaim(sim, cg, cg.charged - highPages + SWAP_CLUSTER_MAX, wl, 'memory.high') === 0) break;
  }
  const batches = Math.ceil(pages / MEMCG_CHARGE_BATCH);
  const sleepNs = batches * highDelayNs(cg.charged, highPages, MEMCG_CHARGE_BATCH);
  if (sleepNs > 0) {
    wl?.stall('reclaim', sleepNs);
    // On the reclaim lane with no page freed: the time the task slept instead.
    sim.events.record(sim.nowNs, 'direct_reclaim', sim.nodes[wl?.homeNode ?? 0].id, 0, `memory.high penalty sleep of cgroup ${cg.spec.name}`, wl?.name, sleepNs);
  }
}
