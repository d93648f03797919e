// Memory policies: mm/mempolicy.c. Which node an allocation prefers (policy_node), which nodes it
// may use (policy_nodemask) and, for interleave, how pages are spread (interleave_nodes,
// weighted interleave).

import type { Mempolicy } from '../language/model';
import type { Sim, WorkloadState } from './sim';

export interface PolicyTarget {
  /** Node index the allocation prefers. */
  preferred: number;
  /** Allowed node indexes in the order the allocator tries them. */
  zonelist: number[];
  /** Strict (MPOL_BIND): no fallback outside the nodemask. */
  strict: boolean;
  /** MPOL_PREFERRED_MANY: the nodemask is tried without direct reclaim, then this target (every
   *  node, preferring the CPU's own) with it (alloc_pages_preferred_many). */
  fallback?: PolicyTarget;
}

function indexOf(sim: Sim, id: number): number {
  const i = sim.nodes.findIndex((n) => n.id === id);
  return i < 0 ? 0 : i;
}

/** The zonelist of `preferred`, restricted to `allowed` when given. */
function zonelistFrom(sim: Sim, preferred: number, allowed: number[] | null): number[] {
  const zl = sim.nodes[preferred].zonelist;
  return allowed ? zl.filter((n) => allowed.includes(n)) : [...zl];
}

/** The target of a policy that is not interleave, per workload home node: it never changes, and
 *  every fault asked for it (its zonelists are only read). */
const fixedTargets = new WeakMap<Sim, WeakMap<Mempolicy, Map<number, PolicyTarget>>>();

/**
 * Splits an allocation of `pages` by the workload's policy (or the VMA's, set by mbind) into
 * per-preferred-node shares. Most policies give one share; interleave gives one per node (round
 * robin, or by weight).
 */
export function policyTargets(sim: Sim, wl: WorkloadState, pages: number, pol: Mempolicy = wl.spec.mempolicy): { target: PolicyTarget; pages: number }[] {
  if (pol.mode === 'interleave' || pol.mode === 'weighted-interleave') return spread(sim, wl, pages, pol);
  let bySim = fixedTargets.get(sim);
  if (!bySim) fixedTargets.set(sim, (bySim = new WeakMap()));
  let byHome = bySim.get(pol);
  if (!byHome) bySim.set(pol, (byHome = new Map()));
  let target = byHome.get(wl.homeNode);
  if (!target) byHome.set(wl.homeNode, (target = fixedTarget(sim, wl, pol)));
  return [{ target, pages }];
}

function fixedTarget(sim: Sim, wl: WorkloadState, pol: Mempolicy): PolicyTarget {
  const nodes = pol.nodes.map((id) => indexOf(sim, id));
  const home = wl.homeNode;
  switch (pol.mode) {
    case 'preferred': {
      const p = nodes[0] ?? home;
      return { preferred: p, zonelist: zonelistFrom(sim, p, null), strict: false };
    }
    case 'bind': {
      // The nearest allowed node to the CPU is tried first (policy_node + nodemask).
      const p = nodes.includes(home) ? home : sim.nodes[home].zonelist.find((n) => nodes.includes(n)) ?? nodes[0];
      return { preferred: p, zonelist: zonelistFrom(sim, p, nodes), strict: true };
    }
    case 'preferred-many': {
      // __alloc_pages(nid = numa_node_id(), &pol->nodes) without direct reclaim: the preferred
      // zone is the first of the CPU's zonelist inside the set; then __alloc_pages(nid, NULL), whose
      // preferred zone is the CPU's own node (so pages there count as numa_hit, not numa_miss).
      const p = nodes.includes(home) ? home : sim.nodes[home].zonelist.find((n) => nodes.includes(n)) ?? nodes[0];
      const fallback = { preferred: home, zonelist: zonelistFrom(sim, home, null), strict: false };
      return { preferred: p, zonelist: zonelistFrom(sim, p, nodes), strict: true, fallback };
    }
    default:
      return { preferred: home, zonelist: zonelistFrom(sim, home, null), strict: false };
  }
}

/** Interleave: one share per node of the policy, round robin or by weight. */
function spread(sim: Sim, wl: WorkloadState, pages: number, pol: Mempolicy): { target: PolicyTarget; pages: number }[] {
  const nodes = pol.nodes.map((id) => indexOf(sim, id));
  const weights = pol.mode === 'interleave' ? nodes.map(() => 1) : pol.weights;
  const total = weights.reduce((a, b) => a + b, 0);
  const out: { target: PolicyTarget; pages: number }[] = [];
  let given = 0;
  // Rotate the starting node so that small allocations still spread evenly.
  for (let j = 0; j < nodes.length; j++) {
    const i = (j + wl.interleaveNext) % nodes.length;
    const share = j === nodes.length - 1 ? pages - given : Math.round((pages * weights[i]) / total);
    given += share;
    if (share > 0) out.push({ target: { preferred: nodes[i], zonelist: zonelistFrom(sim, nodes[i], null), strict: false }, pages: share });
  }
  wl.interleaveNext = (wl.interleaveNext + 1) % Math.max(1, nodes.length);
  return out;
}
