// --scale: the same scenario with every memory size, file size, cgroup limit and byte rate
// multiplied by a factor, so a 2 x 125 GB scenario can run at 2 x 1 GB (or 16 times larger to
// check that the model's cost does not follow memory size). Structural sizes (the chunk of a
// `dontneed ... per ...` pattern, 4 KiB and 2 MiB pages) stay as they are.

import type { Phase, Scenario } from '../language/model';

const round = (x: number) => Math.max(1, Math.round(x));

export function scaleScenario(s: Scenario, factor: number): Scenario {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`scale factor must be a positive number, not ${factor}`);
  const m = s.machine;
  const knobs = { ...s.knobs };
  const scaleKnob = (name: string) => {
    const v = knobs[name];
    if (typeof v === 'number' && v > 0) knobs[name] = round(v * factor);
  };
  scaleKnob('vm.min_free_kbytes');
  scaleKnob('kernel.numa_balancing_scan_size_mb');
  scaleKnob('kernel.numa_balancing_promote_rate_limit_MBps');
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
      swap: m.swap ? { ...m.swap, sizeBytes: round(m.swap.sizeBytes * factor), bandwidthBytesPerSec: m.swap.bandwidthBytesPerSec * factor } : null,
    },
    knobs,
    cgroups: s.cgroups.map((c) => ({ ...c, max: limit(c.max), high: limit(c.high), low: limit(c.low) })),
    workloads: s.workloads.map((w) => ({ ...w, phases: phases(w.phases) })),
  };
}

/** Parses `1/128`, `0.25` or `16`. */
export function parseScale(text: string): number | null {
  const frac = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const v = frac ? Number(frac[1]) / Number(frac[2]) : /^\s*\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : NaN;
  return Number.isFinite(v) && v > 0 ? v : null;
}
