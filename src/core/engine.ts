// The time loop of one variant: fixed steps of the sample interval clamped to 1-50 ms, never
// derived from the run's duration (an upper bound) nor from memory size. Each step: NUMA scans that are due, every workload's faults, I/O and accesses,
// then kswapd with the time left in the step; samples every `run.sample`.

import { stepNs } from '../language/budget';
import type { Scenario } from '../language/model';
import { round3 } from './events';
import type { NodeMeminfo, Series, Summary, VariantResult, WorkloadSummary } from './result';
import type { Resolution } from './memory';
import { taskNumaWork } from './numa_balancing';
import { Sim, WorkloadState } from './sim';
import { countersAt, counterNameAt } from './versions';
import { SAMPLED_COUNTERS, type VmstatCounter } from './vmstat';
import { kcompactdRun } from './compaction';
import { kswapdRun } from './vmscan';
import { completeSwapWrites } from './swap_io';
import { kswapdCpuShare, kswapdTakesNs, takeFromThreads } from './kswapd_cpu';
import { khugepagedRun } from './khugepaged';
import { stepWorkload } from './workload';


export class CancelledError extends Error {
  constructor() {
    super('simulation cancelled');
    this.name = 'CancelledError';
  }
}

export interface VariantRunOptions {
  /** Called about every 1% of simulated time. */
  onTick?: (simulatedNs: number, partial: () => VariantResult) => void;
  isCancelled?: () => boolean;
  /** Called with the live state at every sample (invariant tests). */
  inspect?: (sim: Sim, tNs: number) => void;
  /** How finely regions are cut (tests force a finer one); DEFAULT_RESOLUTION otherwise. */
  resolution?: Resolution;
}

function buildWorkloads(sim: Sim, scenario: Scenario): void {
  const cpuNode = new Map<number, number>();
  sim.nodes.forEach((n, i) => n.spec.cpus.forEach((c) => cpuNode.set(c, i)));
  for (const spec of scenario.workloads) {
    const counts = new Map<number, number>();
    for (const c of spec.cpus) {
      const n = cpuNode.get(c);
      if (n !== undefined) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    if (counts.size === 0) {
      const first = sim.nodes.findIndex((n) => n.hasCpu);
      counts.set(first < 0 ? 0 : first, 1);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const cpuNodes = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([node, k]) => ({ node, weight: k / total }));
    const home = [...cpuNodes].sort((a, b) => b.weight - a.weight || a.node - b.node)[0].node;
    const cg = spec.cgroup ? sim.cgroups.get(spec.cgroup) ?? null : null;
    sim.workloads.push(new WorkloadState(spec, cpuNodes, home, cg));
  }
}

/** nodeN/meminfo from the slices, kB; per-workload residency alongside. */
function meminfo(sim: Sim): { nodes: NodeMeminfo[]; perWorkload: Map<string, number[]> } {
  const N = sim.nodes.length;
  const file = new Array(N).fill(0), anon = new Array(N).fill(0), anonHuge = new Array(N).fill(0), active = new Array(N).fill(0), lru = new Array(N).fill(0);
  const perWorkload = new Map<string, number[]>();
  for (const w of sim.workloads) perWorkload.set(w.name, new Array(N).fill(0));
  for (const r of sim.regions) {
    if (!r.alive) continue;
    const owner = r.kind === 'anon' ? perWorkload.get(r.owner) : undefined;
    for (const s of r.slices) {
      for (let n = 0; n < N; n++) {
        const mapped = s.mapped(n);
        if (r.kind === 'file') file[n] += s.base[n];
        else {
          anon[n] += mapped;
          anonHuge[n] += s.huge[n];
        }
        active[n] += s.active[n];
        lru[n] += mapped;
        if (owner) owner[n] += s.resident(n);
      }
    }
  }
  const kb = (p: number) => p * 4;
  const nodes = sim.nodes.map((node, n) => ({
    node: node.id, MemTotal: kb(node.totalPages), MemFree: kb(node.free), FilePages: kb(file[n]), AnonPages: kb(anon[n]),
    AnonHugePages: kb(anonHuge[n]), Active: kb(active[n]), Inactive: kb(lru[n] - active[n]),
  }));
  return { nodes, perWorkload };
}

function workloadSummary(sim: Sim, w: WorkloadState, resident: number[]): WorkloadSummary {
  const stall = w.totalStallNs();
  const byNode: Record<string, number> = {};
  sim.nodes.forEach((node, n) => { byNode[String(node.id)] = resident[n] * 4; });
  const stallMs: Record<string, number> = {};
  for (const [k, v] of Object.entries(w.stallNs)) stallMs[k] = round3(v / 1e6);
  // Thread time over threads: ms of run time.
  const ms = (threadNs: number) => round3(threadNs / w.threads / 1e6);
  const t = w.time;
  const ended = (x: number) => (Number.isNaN(x) ? null : round3(x / 1e6));
  return {
    name: w.name,
    avg_access_ns: w.accessCount > 0 ? round3((w.latencyNs + stall) / w.accessCount) : 0,
    remote_access_ratio: w.accessCount > 0 ? round6(w.remoteCount / w.accessCount) : 0,
    accesses: Math.round(w.accessCount),
    resident_kB_by_node: byNode,
    stall_ms: stallMs,
    threads: w.threads,
    runtime_ms: runtimeMs(w),
    time_ms: {
      compute: ms(t.compute), memory: ms(t.memoryLocal + t.memoryRemote + t.memorySlowTier),
      fault: ms(w.stallNs.fault), reclaim: ms(w.stallNs.reclaim + w.kswapdTookNs), compaction: ms(w.stallNs.compaction),
      swapin: ms(w.stallNs.swapin), migration: ms(w.stallNs.migration),
    },
    memory_ms: { local: ms(t.memoryLocal), remote: ms(t.memoryRemote), slow_tier: ms(t.memorySlowTier) },
    phases: w.spec.phases.map((p, i) => ({ phase: p.label, start_ms: ended(w.phaseStartNs[i]), end_ms: ended(w.phaseEndNs[i]) })),
  };
}

/** End of the workload's last phase minus its start; an `exit` ends it. Null if a phase that
 *  started has not ended, or one never started (and no exit came first). */
function runtimeMs(w: WorkloadState): number | null {
  let start = Infinity;
  let end = -Infinity;
  for (let i = 0; i < w.phaseStartNs.length; i++) {
    const s = w.phaseStartNs[i], e = w.phaseEndNs[i];
    if (Number.isNaN(s)) {
      if (w.alive) return null;
      continue; // after an exit
    }
    if (Number.isNaN(e)) return null;
    start = Math.min(start, s);
    end = Math.max(end, e);
  }
  const exited = w.spec.phases.some((p, i) => p.kind === 'exit' && !Number.isNaN(w.phaseEndNs[i]));
  if (!w.alive && !exited) return null; // killed before its work was done
  return end >= start ? round3((end - start) / 1e6) : null;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

class Recorder {
  readonly series: Series;
  /** Sampled counters the version has, with the name it gives each. */
  private readonly counters: [string, VmstatCounter][];
  constructor(private sim: Sim) {
    this.counters = SAMPLED_COUNTERS.flatMap((c) => {
      const name = counterNameAt(c, sim.kernel.version);
      return name === null ? [] : [[name, c] as [string, VmstatCounter]];
    });
    this.series = {
      t_ms: [],
      nodes: sim.nodes.map((n) => ({ node: n.id, MemFree: [], FilePages: [], AnonPages: [], AnonHugePages: [], Active: [], Inactive: [] })),
      cgroups: [...sim.cgroups.values()].map((c) => ({ name: c.spec.name, memory_current: [] })),
      workloads: sim.workloads.flatMap((w) => sim.nodes.map((n) => ({ name: w.name, node: n.id, resident_kB: [] as number[] }))),
      vmstat: Object.fromEntries(this.counters.map(([name]) => [name, [] as number[]])),
      workload_perf: sim.workloads.map((w) => ({ name: w.name, accesses: [] as number[], accesses_per_s: [] as number[], ns_per_access: [] as number[], cpu_node: [] as number[] })),
    };
    this.last = sim.workloads.map(() => ({ t: 0, acc: 0, cost: 0 }));
  }
  private last: { t: number; acc: number; cost: number }[];

  sample(tNs: number): void {
    const { nodes, perWorkload } = meminfo(this.sim);
    const s = this.series;
    s.t_ms.push(round3(tNs / 1e6));
    nodes.forEach((m, i) => {
      const ns = s.nodes[i];
      ns.MemFree.push(m.MemFree); ns.FilePages.push(m.FilePages); ns.AnonPages.push(m.AnonPages);
      ns.AnonHugePages.push(m.AnonHugePages); ns.Active.push(m.Active); ns.Inactive.push(m.Inactive);
    });
    [...this.sim.cgroups.values()].forEach((c, i) => s.cgroups[i].memory_current.push(c.charged * 4096));
    let k = 0;
    for (const w of this.sim.workloads) {
      const res = perWorkload.get(w.name)!;
      for (let n = 0; n < this.sim.nodes.length; n++) s.workloads[k++].resident_kB.push(res[n] * 4);
    }
    for (let i = 0; i < this.counters.length; i++) s.vmstat[this.counters[i][0]].push(Math.round(this.sim.vmstat.counts[this.counters[i][1]]));
    this.sim.workloads.forEach((w, i) => {
      const prev = this.last[i];
      const cost = w.latencyNs + w.totalStallNs();
      const dAcc = w.accessCount - prev.acc;
      const dt = (tNs - prev.t) / 1e9;
      const perf = s.workload_perf[i];
      perf.accesses.push(Math.round(w.accessCount));
      perf.accesses_per_s.push(dt > 0 ? Math.round(dAcc / dt) : 0);
      perf.ns_per_access.push(dAcc > 0 ? round3((cost - prev.cost) / dAcc) : 0);
      perf.cpu_node!.push(this.sim.nodes[w.homeNode].id);
      this.last[i] = { t: tNs, acc: w.accessCount, cost };
    });
  }
}

function summarize(sim: Sim, endNs: number): Summary {
  const { nodes, perWorkload } = meminfo(sim);
  const workloads = sim.workloads.map((w) => workloadSummary(sim, w, perWorkload.get(w.name)!));
  let acc = 0, cost = 0, remote = 0;
  for (const w of sim.workloads) {
    if (w.accessCount <= 0) continue;
    acc += w.accessCount;
    cost += w.latencyNs + w.totalStallNs();
    remote += w.remoteCount;
  }
  return {
    avg_access_ns: acc > 0 ? round3(cost / acc) : 0,
    remote_access_ratio: acc > 0 ? round6(remote / acc) : 0,
    vmstat: countersAt(sim.vmstat.snapshot(), sim.kernel.version),
    nodes,
    workloads,
    cgroups: [...sim.cgroups.values()].map((c) => ({ name: c.spec.name, memory_current: c.charged * 4096, memory_current_max: c.maxCharged * 4096, memory_events_low: c.lowEvents })),
    expectations: [],
    end_ms: round3(endNs / 1e6),
    unfinished: sim.workloads.filter((w) => w.closedLoop && !w.finished()).map((w) => w.name),
  };
}

/** Runs one resolved scenario (one variant) to the end. */
export function runVariant(scenario: Scenario, opts: VariantRunOptions = {}): VariantResult {
  const sim = new Sim(scenario, opts.resolution);
  buildWorkloads(sim, scenario);
  const rec = new Recorder(sim);
  const duration = scenario.run.durationNs;
  const dt = stepNs(scenario.run);
  sim.dtNs = dt;
  const N = sim.nodes.length;
  const load = new Float64Array(N);
  const budgetAtStart = new Float64Array(N);
  const kswapdOwed = new Float64Array(N);
  const takenAhead = new Float64Array(N);
  const firstPhase = sim.workloads.map((w) => (w.spec.phases.length ? w.spec.phases[0].atNs : 0));
  let nextSample = 0;
  let nextTick = duration / 100;
  const simulated_kernel = { version: sim.kernel.version, overrides: scenario.kernel?.overrides ?? [] };
  let endNs = duration;
  const partial = (): VariantResult => ({ name: scenario.variant, simulated_kernel, summary: summarize(sim, sim.nowNs), series: rec.series, events: [...sim.events.events] });
  // The run ends when every closed-loop workload has done its work, or at `duration`.
  const closedLoop = sim.workloads.filter((w) => w.closedLoop);
  const allDone = () => closedLoop.length > 0 && closedLoop.every((w) => w.finished());

  rec.sample(0);
  nextSample = scenario.run.sampleNs;
  for (let t0 = 0; t0 < duration; t0 += dt) {
    const t1 = Math.min(duration, t0 + dt);
    sim.nowNs = t0;
    // Index loops: this runs every step, mostly before the JIT has optimized it, where for-of
    // allocates an iterator result per element.
    // kswapd's time this step is its CPU share on its node's CPUs (src/core/kswapd_cpu.ts).
    for (let n = 0; n < N; n++) {
      const k = sim.nodes[n].kswapd;
      k.cpuShare = kswapdCpuShare(sim, n);
      const slice = (t1 - t0) * k.cpuShare;
      // Budget gone into debt (promotion cycles that outlast a step) is CPU time it runs now.
      kswapdOwed[n] = Math.max(0, -k.budgetNs);
      k.budgetNs = Math.min(slice, k.budgetNs + slice);
      budgetAtStart[n] = k.budgetNs;
      // An awake kswapd runs alongside the threads through the step: its time is taken from them
      // now, so the step's faults see it, and settled with what it really ran at the end.
      takenAhead[n] = k.awake || kswapdOwed[n] > 0 ? kswapdTakesNs(sim, n, slice, t1 - t0) : 0;
      takeFromThreads(sim, n, takenAhead[n]);
    }
    for (let i = 0; i < sim.workloads.length; i++) taskNumaWork(sim, sim.workloads[i], firstPhase[i]);
    sim.trafficBytes.fill(0);
    sim.writtenBytes.fill(0);
    for (let i = 0; i < sim.workloads.length; i++) stepWorkload(sim, sim.workloads[i], t0, t1, load);
    for (let n = 0; n < N; n++) {
      sim.nowNs = t1;
      kswapdRun(sim, n);
      kcompactdRun(sim, n);
      const k = sim.nodes[n].kswapd;
      // It runs at most its share of the step; the rest of a debt is run in the next steps.
      const ran = Math.min((t1 - t0) * k.cpuShare, kswapdOwed[n] + budgetAtStart[n] - k.budgetNs);
      takeFromThreads(sim, n, kswapdTakesNs(sim, n, ran, t1 - t0) - takenAhead[n]);
    }
    for (let n = 0; n < N; n++) load[n] = sim.bandwidthLoad(n, t1 - t0);
    sim.nowNs = t1;
    // Swap writes that ended by now go to the inactive tail, whether or not reclaim looks.
    for (let n = 0; n < N; n++) completeSwapWrites(sim, n, t1);
    khugepagedRun(sim);
    while (t1 >= nextSample - 1e-6 && nextSample <= duration) {
      rec.sample(nextSample);
      opts.inspect?.(sim, nextSample);
      nextSample += scenario.run.sampleNs;
    }
    if (t1 >= nextTick || t1 >= duration) {
      if (opts.isCancelled?.()) throw new CancelledError();
      opts.onTick?.(t1, partial);
      nextTick += duration / 100;
    }
    if (allDone()) {
      endNs = t1;
      break;
    }
  }
  if (rec.series.t_ms[rec.series.t_ms.length - 1] < round3(endNs / 1e6)) rec.sample(endNs);
  const summary = summarize(sim, endNs);
  const result: VariantResult = { name: scenario.variant, simulated_kernel, summary, series: rec.series, events: sim.events.finish() };
  assertFinite(result);
  return result;
}

/** Every number of a finished variant is finite: the language's ranges keep the model's
 *  arithmetic in bounds, so one that is not is a bug. It is reported by its place instead of
 *  being written into a result file as null (JSON's spelling of NaN and Infinity). */
export function assertFinite(v: VariantResult): void {
  // Null is a value only where it means "did not happen": a run time or phase end not reached.
  const nullable = /\.(runtime_ms|start_ms|end_ms)$/;
  const walk = (x: unknown, where: string): void => {
    if ((x === null && !nullable.test(where)) || (typeof x === 'number' && !Number.isFinite(x))) {
      throw new Error(`the simulation of variant '${v.name}' produced ${x} for ${where}; this is a bug, please report it with the scenario`);
    } else if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) walk(x[i], `${where}[${i}]`);
    } else if (x !== null && typeof x === 'object') for (const [k, y] of Object.entries(x)) walk(y, `${where}.${k}`);
  };
  walk(v.summary, 'summary');
  walk(v.series, 'series');
  walk(v.events, 'events');
}

/** Pages accounted on each node: free + kernel + every resident page. For invariant checks. */
export function nodeAccounting(sim: Sim): { total: number; free: number; used: number }[] {
  return sim.nodes.map((node, n) => {
    let used = node.kernelPages + node.pcpPages + sim.swapDev.nodes[n].pages();
    for (const r of sim.regions) for (const s of r.slices) used += s.resident(n);
    return { total: node.totalPages, free: node.free, used };
  });
}
