// The agent's stream (one JSON object per line on the guest's ttyS1) -> the same VariantResult a
// simulated run gives, plus what only a kernel run has: the knobs as written and read back, the
// settings not applied, and how the boot ended. Pure: unit-tested on recorded lines.

import type { Scenario } from '../language/model';
import type { EventKind, NodeMeminfo, SimEvent, VariantResult } from '../core/result';
import { SAMPLED_COUNTERS } from '../core/vmstat';

export interface KnobReport {
  name: string;
  path: string;
  want: string;
  got: string;
  ok: boolean;
  error?: string;
}

export type BootStatus = 'ok' | 'panic' | 'oom' | 'timeout' | 'cancelled' | 'error';

export interface StreamState {
  release: string | null;
  /** Guest uptime when /init started and when the agent was about to start, s. */
  initUptimeS: number | null;
  readyUptimeS: number | null;
  knobs: KnobReport[];
  kmem: { device: string; node: number; bytes: number }[];
  errors: string[];
  samples: Sample[];
  final: Sample | null;
  ended: boolean;
  killed: { workload: string; signal: number; ms: number }[];
  exits: { workload: string; ms: number }[];
  /** How far each alloc, file and access phase got by the end. */
  progress: { workload: string; phase: string; started: boolean; done: number; want: number }[];
  /** Lines that were not JSON (a garbled serial line): counted, never fatal. */
  badLines: number;
}

interface NodeSample { node: number; MemTotal: number; MemFree: number; FilePages: number; AnonPages: number; AnonHugePages: number; Active: number; Inactive: number }
interface WorkloadSample { accesses: number; exited: number; resident_kB: number[]; huge_kB: number[]; accesses_by_node: number[] }
export interface Sample {
  ms: number;
  nodes: NodeSample[];
  vmstat: Record<string, number>;
  cgroups: Record<string, number>;
  /** Each cgroup's memory.events low count (absent from agents built before it). */
  cgroup_low?: Record<string, number>;
  workloads: Record<string, WorkloadSample>;
}

export function newStreamState(): StreamState {
  return { release: null, initUptimeS: null, readyUptimeS: null, knobs: [], kmem: [], errors: [], samples: [], final: null, ended: false, killed: [], exits: [], progress: [], badLines: 0 };
}

/** Feeds one line of the stream; returns the parsed message kind (for progress), or null. */
export function feedLine(st: StreamState, line: string): string | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    st.badLines++;
    return null;
  }
  const kind = String(m.t);
  switch (kind) {
    case 'init': st.initUptimeS = Number(m.uptime_s); break;
    case 'ready': st.readyUptimeS = Number(m.uptime_s); break;
    case 'hello': st.release = String(m.release); break;
    case 'knob': st.knobs.push({ name: String(m.name), path: String(m.path), want: String(m.want), got: String(m.got), ok: m.ok === true, ...(m.error ? { error: String(m.error) } : {}) }); break;
    case 'kmem': st.kmem.push({ device: String(m.device), node: Number(m.node), bytes: Number(m.bytes) }); break;
    case 'error': st.errors.push(String(m.message) + (m.workload ? ` (workload ${m.workload})` : '')); break;
    case 'sample': st.samples.push(m as unknown as Sample); break;
    case 'final': st.final = m as unknown as Sample; break;
    case 'killed': st.killed.push({ workload: String(m.workload), signal: Number(m.signal), ms: Number(m.ms) }); break;
    case 'exit': st.exits.push({ workload: String(m.workload), ms: Number(m.ms) }); break;
    case 'progress': st.progress.push({ workload: String(m.workload), phase: String(m.phase), started: m.started === 1, done: Number(m.done), want: Number(m.want) }); break;
    case 'end': st.ended = true; break;
    default: break;
  }
  return kind;
}

/** Counters a simulated result names differently: the kernel splits allocstall by zone. */
function simulatorCounters(vm: Record<string, number>): Record<string, number> {
  const out = { ...vm };
  const stalls = Object.keys(vm).filter((k) => k.startsWith('allocstall_'));
  if (stalls.length) out.allocstall = stalls.reduce((a, k) => a + vm[k], 0);
  // nr_* are gauges, not events since boot: keep them out of the counter deltas.
  for (const k of Object.keys(out)) if (k.startsWith('nr_')) delete out[k];
  return out;
}

const EVENT_COUNTERS: { counter: string; kind: EventKind; cause: string }[] = [
  { counter: 'pgsteal_kswapd', kind: 'kswapd_wake', cause: 'pgsteal_kswapd' },
  { counter: 'pgsteal_direct', kind: 'direct_reclaim', cause: 'pgsteal_direct (direct and node reclaim)' },
  { counter: 'pswpout', kind: 'swap_out', cause: 'pswpout' },
  { counter: 'pswpin', kind: 'swap_in', cause: 'pswpin' },
  { counter: 'pgdemote_kswapd', kind: 'demotion', cause: 'pgdemote_kswapd' },
  { counter: 'pgdemote_direct', kind: 'demotion', cause: 'pgdemote_direct' },
  { counter: 'pgpromote_success', kind: 'promotion', cause: 'pgpromote_success' },
  { counter: 'compact_success', kind: 'compact_success', cause: 'compact_success' },
  { counter: 'compact_fail', kind: 'compact_fail', cause: 'compact_fail' },
  { counter: 'thp_split_page', kind: 'thp_split', cause: 'thp_split_page' },
  { counter: 'thp_deferred_split_page', kind: 'deferred_split_queue', cause: 'thp_deferred_split_page' },
  { counter: 'oom_kill', kind: 'oom_kill', cause: 'oom_kill' },
];

/** A VariantResult from the stream. avg_access_ns is the scenario's latency matrix applied to
 *  where the kernel put the pages each workload accessed (QEMU time says nothing about DRAM). */
export function toVariantResult(st: StreamState, scenario: Scenario, homeNode: Record<string, number>): VariantResult {
  const samples = st.final ? [...st.samples, st.final] : st.samples;
  const base = samples[0];
  const last = samples[samples.length - 1];
  const nodeIds = (last?.nodes ?? []).map((n) => n.node);
  const delta = (s: Sample | undefined) => {
    const out: Record<string, number> = {};
    if (!s || !base) return out;
    const a = simulatorCounters(base.vmstat), b = simulatorCounters(s.vmstat);
    for (const k of Object.keys(b)) out[k] = b[k] - (a[k] ?? 0);
    return out;
  };
  const vmDeltas = samples.map(delta);
  const series = {
    t_ms: samples.map((s) => s.ms),
    nodes: nodeIds.map((id) => {
      const pick = (f: keyof NodeSample) => samples.map((s) => s.nodes.find((n) => n.node === id)?.[f] ?? 0);
      return { node: id, MemFree: pick('MemFree'), FilePages: pick('FilePages'), AnonPages: pick('AnonPages'), AnonHugePages: pick('AnonHugePages'), Active: pick('Active'), Inactive: pick('Inactive') };
    }),
    cgroups: scenario.cgroups.map((c) => ({ name: c.name, memory_current: samples.map((s) => s.cgroups?.[c.name] ?? 0) })),
    workloads: scenario.workloads.flatMap((w) => nodeIds.map((node, i) => ({ name: w.name, node, resident_kB: samples.map((s) => s.workloads?.[w.name]?.resident_kB?.[i] ?? 0) }))),
    vmstat: Object.fromEntries(SAMPLED_COUNTERS.filter((c) => vmDeltas.some((d) => c in d)).map((c) => [c, vmDeltas.map((d) => d[c] ?? 0)])),
    // The guest agent reports no per-workload throughput yet.
    workload_perf: [],
  };

  // events: what each counter did between two samples, on the node that lost the most pages
  const events: SimEvent[] = [];
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1], cur = samples[i];
    let node = nodeIds[0] ?? 0, drop = 0;
    for (const n of cur.nodes) {
      const p = prev.nodes.find((x) => x.node === n.node);
      const lost = p ? (p.FilePages + p.AnonPages) - (n.FilePages + n.AnonPages) : 0;
      if (lost > drop) { drop = lost; node = n.node; }
    }
    for (const e of EVENT_COUNTERS) {
      const d = (vmDeltas[i][e.counter] ?? 0) - (vmDeltas[i - 1][e.counter] ?? 0);
      if (d > 0) events.push({ t_ms: prev.ms, kind: e.kind, node, pages: d, cause: `${e.cause} +${d} in /proc/vmstat`, duration_ms: cur.ms - prev.ms });
    }
  }
  for (const k of st.killed) events.push({ t_ms: k.ms, kind: 'oom_kill', node: nodeIds[0] ?? 0, pages: 0, cause: `workload killed by signal ${k.signal}`, workload: k.workload });
  events.sort((a, b) => a.t_ms - b.t_ms);

  const lat = scenario.machine.latencyNs;
  let allAcc = 0, allNs = 0, allRemote = 0;
  const workloads = scenario.workloads.map((w) => {
    const home = homeNode[w.name] ?? 0;
    const byNode = new Array(nodeIds.length).fill(0);
    for (const s of samples) (s.workloads?.[w.name]?.accesses_by_node ?? []).forEach((a, i) => { byNode[i] += a; });
    const acc = byNode.reduce((a, b) => a + b, 0);
    const ns = byNode.reduce((a, b, i) => a + b * (lat[home]?.[nodeIds[i]] ?? 0), 0);
    const remote = byNode.reduce((a, b, i) => a + (nodeIds[i] === home ? 0 : b), 0);
    allAcc += acc; allNs += ns; allRemote += remote;
    const res = last?.workloads?.[w.name]?.resident_kB ?? [];
    return {
      name: w.name,
      avg_access_ns: acc > 0 ? +(ns / acc).toFixed(2) : 0,
      remote_access_ratio: acc > 0 ? +(remote / acc).toFixed(4) : 0,
      accesses: last?.workloads?.[w.name]?.accesses ?? 0,
      resident_kB_by_node: Object.fromEntries(nodeIds.map((n, i) => [String(n), res[i] ?? 0])),
      stall_ms: {},
      // The guest agent does not time phases or split thread time yet: unknown, not zero work.
      threads: w.threads,
      runtime_ms: null,
      time_ms: { compute: 0, memory: 0, fault: 0, reclaim: 0, compaction: 0, swapin: 0, migration: 0 },
      memory_ms: { local: 0, remote: 0, slow_tier: 0 },
      phases: w.phases.map((p) => ({ phase: p.label, start_ms: null, end_ms: null })),
    };
  });
  const nodes: NodeMeminfo[] = (last?.nodes ?? []).map((n) => ({ node: n.node, MemTotal: n.MemTotal, MemFree: n.MemFree, FilePages: n.FilePages, AnonPages: n.AnonPages, AnonHugePages: n.AnonHugePages, Active: n.Active, Inactive: n.Inactive }));
  const cgroups = scenario.cgroups.map((c) => {
    const cur = samples.map((s) => s.cgroups?.[c.name] ?? 0);
    const low = samples.length ? samples[samples.length - 1].cgroup_low?.[c.name] ?? 0 : 0;
    return { name: c.name, memory_current: cur[cur.length - 1] ?? 0, memory_current_max: Math.max(0, ...cur), memory_events_low: Math.max(0, low) };
  });
  return {
    name: scenario.variant,
    summary: {
      avg_access_ns: allAcc > 0 ? +(allNs / allAcc).toFixed(2) : 0,
      remote_access_ratio: allAcc > 0 ? +(allRemote / allAcc).toFixed(4) : 0,
      vmstat: vmDeltas[vmDeltas.length - 1] ?? {},
      nodes, workloads, cgroups, expectations: [],
      end_ms: samples.length ? samples[samples.length - 1].ms : 0,
      unfinished: [],
    },
    series, events,
  };
}

/** Phases the guest did not complete: a phase that never started, or did less than 95% of its
 *  bytes or of its accesses at the asked rate (TCG can be slower than the scenario's rates). */
export function shortfalls(st: StreamState): string[] {
  const out: string[] = [];
  const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
  for (const p of st.progress) {
    const access = p.phase.startsWith('access');
    if (!p.started) out.push(`${p.workload}: '${p.phase}' never started (the run ended first)`);
    else if (p.want > 0 && p.done < 0.95 * p.want) {
      out.push(access
        ? `${p.workload}: '${p.phase}' made ${(p.done / 1e6).toFixed(2)}M of ${(p.want / 1e6).toFixed(2)}M accesses (${Math.round((100 * p.done) / p.want)}%): the guest could not keep the rate`
        : `${p.workload}: '${p.phase}' did ${mib(p.done)} of ${mib(p.want)} (${Math.round((100 * p.done) / p.want)}%) before it ended: the guest could not keep the rate, or the workload exited first`);
    }
  }
  return out;
}

/** Why a boot that did not end normally ended, from the console log. */
export function diagnoseConsole(consoleText: string): { status: BootStatus; message: string } | null {
  const panic = /Kernel panic - not syncing:[^\n]*/.exec(consoleText);
  if (panic) return { status: 'panic', message: panic[0].trim() };
  const oom = /Out of memory[^\n]*/.exec(consoleText);
  if (oom) return { status: 'oom', message: oom[0].trim() };
  const bug = /(BUG: [^\n]*|Oops[^\n]*)/.exec(consoleText);
  if (bug) return { status: 'error', message: bug[0].trim() };
  return null;
}
