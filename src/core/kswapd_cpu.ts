// kswapd's CPU. kswapd() binds itself to its node's CPUs (set_cpus_allowed_ptr(cpumask_of_node),
// skipped when the mask is empty, so a CPU-less node's kswapd runs on any CPU) and is an ordinary
// nice-0 CFS task: where the workload's threads keep those CPUs busy, it gets a fair share of
// them, and the time it reclaims is time those threads do not run.

import type { Sim, WorkloadState } from './sim';

/** Threads of `wl` that want a CPU this step: a closed-loop phase keeps all its threads busy; a
 *  paced one only the share its rate costs (the page or file read cost, the compute per access). */
export function busyThreads(sim: Sim, wl: WorkloadState): number {
  if (!wl.alive) return 0;
  const c = sim.costs;
  let busy = 0;
  for (const al of wl.allocs) busy += al.closed ? wl.threads : al.ratePerNs * c.minorFault;
  for (const rd of wl.reads) busy += rd.ratePerNs * (rd.write ? c.minorFault : c.fileRead);
  for (const a of wl.accesses) busy += a.workLeft !== null ? wl.threads : a.ratePerNs * wl.spec.computePerAccessNs;
  return Math.min(wl.threads, busy);
}

/** CPUs kswapd of node n may run on, and the busy threads there (by their share of CPUs). */
function cpusAndLoad(sim: Sim, n: number): { cpus: number; busy: number } {
  const node = sim.nodes[n];
  if (!node.hasCpu) {
    let busy = 0;
    for (const wl of sim.workloads) busy += busyThreads(sim, wl);
    return { cpus: sim.nodes.reduce((t, m) => t + m.spec.cpus.length, 0), busy };
  }
  let busy = 0;
  for (const wl of sim.workloads) {
    for (const c of wl.cpuNodes) if (c.node === n) busy += busyThreads(sim, wl) * c.weight;
  }
  return { cpus: node.spec.cpus.length, busy };
}

/** CPU time per ns kswapd of node n gets: a CPU the threads leave idle, or else the fair share
 *  of equal nice-0 weights, the node's CPUs over the busy threads plus kswapd; at most one CPU. */
export function kswapdCpuShare(sim: Sim, n: number): number {
  const { cpus, busy } = cpusAndLoad(sim, n);
  if (cpus <= 0) return 1;
  return Math.min(1, Math.max(cpus - busy, cpus / (busy + 1)));
}

/** Of kswapd's `usedNs` in a step of `stepNs`, the part idle CPU time on its CPUs does not cover:
 *  what the busy threads there lose. */
export function kswapdTakesNs(sim: Sim, n: number, usedNs: number, stepNs: number): number {
  const { cpus, busy } = cpusAndLoad(sim, n);
  return busy > 0 ? Math.max(0, usedNs - Math.max(0, cpus - busy) * stepNs) : 0;
}

/** Takes `ns` of CPU time from the busy threads on kswapd n's CPUs, each its part: a closed-loop
 *  phase pays it like a stall (the workload's clock), so it gets slower. Negative gives back time
 *  taken ahead that kswapd did not use. */
export function takeFromThreads(sim: Sim, n: number, ns: number): void {
  if (ns === 0) return;
  const { busy } = cpusAndLoad(sim, n);
  if (busy <= 0) return;
  const onNode = (wl: WorkloadState) => (sim.nodes[n].hasCpu ? wl.cpuNodes.reduce((t, c) => t + (c.node === n ? c.weight : 0), 0) : 1);
  for (const wl of sim.workloads) {
    const mine = busyThreads(sim, wl) * onNode(wl);
    if (mine <= 0) continue;
    wl.debtNs += (ns * mine) / busy;
    wl.kswapdTookNs += (ns * mine) / busy;
  }
}
