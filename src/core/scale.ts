// --scale: the same scenario with every memory size, file size, cgroup limit and byte rate
// multiplied by a factor, so a 2 x 125 GB scenario can run at 2 x 1 GB (or 16 times larger to
// check that the model's cost does not follow memory size). Structural sizes (the chunk of a
// `dontneed ... per ...` pattern, 4 KiB and 2 MiB pages) stay as they are.

import type { Phase, Scenario } from '../language/model';
import { HPAGE_NR, PAGE_SIZE } from './machine';
import { QUEUE_BYTES } from './swap_io';

const round = (x: number) => Math.max(1, Math.round(x));
/** Knobs scaled with memory; a value that would round to 0 is kept at 1. */
const SCALED_KNOBS = ['vm.min_free_kbytes', 'kernel.numa_balancing_scan_size_mb', 'kernel.numa_balancing_promote_rate_limit_MBps'];

export function scaleScenario(s: Scenario, factor: number): Scenario {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`scale factor must be a positive number, not ${factor}`);
  const m = s.machine;
  const knobs = { ...s.knobs };
  const scaleKnob = (name: string) => {
    const v = knobs[name];
    if (typeof v === 'number' && v > 0) knobs[name] = round(v * factor);
  };
  for (const k of SCALED_KNOBS) scaleKnob(k);
  const rate = (r: number | null) => (r === null ? null : r * factor);
  const phases = (ps: Phase[]): Phase[] => ps.map((p): Phase => {
    switch (p.kind) {
      case 'alloc': return { ...p, bytes: round(p.bytes * factor), rateBytesPerSec: rate(p.rateBytesPerSec) };
      case 'file': return { ...p, bytes: round(p.bytes * factor), rateBytesPerSec: rate(p.rateBytesPerSec) };
      case 'access': return p.pattern.kind === 'hotset' ? { ...p, pattern: { ...p.pattern, bytes: round(p.pattern.bytes * factor) } } : p;
      case 'dontneed': return p.perBytes === null ? { ...p, bytes: Math.round(p.bytes * factor), offsetBytes: Math.round(p.offsetBytes * factor) } : p;
      default: return p;
    }
  });
  const limit = (x: number | null) => (x === null ? null : round(x * factor));
  return {
    ...s,
    machine: {
      ...m,
      nodes: m.nodes.map((n) => ({ ...n, memoryBytes: round(n.memoryBytes * factor), reservedBytes: Math.round((n.reservedBytes ?? 0) * factor) })),
      // The device's request queue scales with its bandwidth, so it holds the same time of writes.
      swap: m.swap ? { ...m.swap, sizeBytes: round(m.swap.sizeBytes * factor), bandwidthBytesPerSec: m.swap.bandwidthBytesPerSec * factor, queueBytes: (m.swap.queueBytes ?? QUEUE_BYTES) * factor } : null,
    },
    knobs,
    cgroups: s.cgroups.map((c) => ({ ...c, max: limit(c.max), high: limit(c.high), low: limit(c.low) })),
    workloads: s.workloads.map((w) => ({ ...w, phases: phases(w.phases) })),
  };
}

/** What a factor does to a scenario that its numbers no longer mean: a size scaled below the
 *  page it is made of (a MADV_HUGEPAGE region under 2 MiB gets no huge page; anything under 4 KiB
 *  is still one page), and a knob that would round to 0 and is kept at 1. One line each, for the
 *  CLI to print before running; nothing when the factor changes only amounts. */
export function scaleWarnings(s: Scenario, factor: number): string[] {
  const out: string[] = [];
  const kib = (b: number) => `${+(b / 1024).toPrecision(4)} KiB`;
  const size = (what: string, bytes: number, huge: boolean) => {
    const scaled = bytes * factor;
    if (huge && bytes >= HPAGE_NR * PAGE_SIZE && scaled < HPAGE_NR * PAGE_SIZE) out.push(`${what} becomes ${kib(scaled)}, less than a 2 MiB huge page: it gets base pages only`);
    else if (bytes >= PAGE_SIZE && scaled < PAGE_SIZE) out.push(`${what} becomes ${kib(scaled)}, less than a 4 KiB page: it is still one page`);
  };
  const thpAlways = s.knobs['transparent_hugepage.enabled'] === 'always';
  for (const w of s.workloads) {
    for (const p of w.phases) {
      if (p.kind === 'alloc') size(`workload ${w.name}: alloc ${p.region}`, p.bytes, p.hugepage || thpAlways);
      else if (p.kind === 'file') size(`workload ${w.name}: file ${p.file}`, p.bytes, false);
      else if (p.kind === 'access' && p.pattern.kind === 'hotset') size(`workload ${w.name}: hot set of ${p.region}`, p.pattern.bytes, false);
    }
  }
  for (const c of s.cgroups) {
    for (const [name, v] of [['memory.max', c.max], ['memory.high', c.high], ['memory.low', c.low]] as const) if (v !== null) size(`cgroup ${c.name}: ${name}`, v, false);
  }
  for (const k of SCALED_KNOBS) {
    const v = s.knobs[k];
    if (typeof v === 'number' && v > 0 && Math.round(v * factor) < 1) out.push(`${k} = ${v} becomes ${+(v * factor).toPrecision(3)}, which rounds to 0: kept at 1`);
  }
  return out;
}

/** Parses `1/128`, `0.25` or `16`. */
export function parseScale(text: string): number | null {
  const frac = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const v = frac ? Number(frac[1]) / Number(frac[2]) : /^\s*\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : NaN;
  return Number.isFinite(v) && v > 0 ? v : null;
}
