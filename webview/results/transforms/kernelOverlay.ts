// A kernel run over the simulation of the same scenario and variant: which two variants of the
// panel's result pair up, the kernel's residency as lines over the simulated stack, vmstat
// counters side by side, and how close the two are ("fidelity").
//
// A panel holds both when it compares a saved simulation with a saved kernel run (variants
// `A: zrm-on` and `B: zrm-on`, the kernel one carrying `kernel`); repeats of a kernel boot are
// `zrm-on#2`, ... and pair with the same simulated variant.

import type { NodeSeries, RunResult, VariantResult } from '../../../src/core/result';
import { nodeResidency, timeAxisSeconds, type LayerKind } from './residency';

/** Placements closer than this share of the node's size count as matching. */
export const PLACEMENT_TOLERANCE = 0.05;
/** Counters closer than this share of the larger of the two count as matching. */
export const COUNTER_TOLERANCE = 0.25;

export interface KernelPair {
  /** The variant name both sides share (without the comparison side and repeat suffix). */
  base: string;
  simulated: VariantResult;
  kernel: VariantResult;
}

/** `A: zrm-on#2` -> `zrm-on`. */
export function baseVariantName(name: string): string {
  return name.replace(/^[AB]: /, '').replace(/#\d+$/, '');
}

/** The pair the variant `selected` belongs to (either side), else undefined. */
export function kernelPair(result: RunResult, selected: string | undefined): KernelPair | undefined {
  const chosen = result.variants.find((v) => v.name === selected) ?? result.variants[0];
  if (!chosen) return undefined;
  const base = baseVariantName(chosen.name);
  const same = result.variants.filter((v) => baseVariantName(v.name) === base);
  const kernel = chosen.kernel ? chosen : same.find((v) => v.kernel);
  const simulated = chosen.kernel ? same.find((v) => !v.kernel) : chosen;
  return kernel && simulated ? { base, simulated, kernel } : undefined;
}

/** For each time of `from`, the index of the sample of `to` nearest to it, when within half of
 *  `to`'s sample step (a guest's samples drift a few ms from the scenario's clock), else -1: a
 *  sample is matched with its counterpart, never with an interpolated value. */
export function matchSamples(from: number[], to: number[]): number[] {
  const step = to.length > 1 ? (to[to.length - 1] - to[0]) / (to.length - 1) : Infinity;
  let j = 0;
  return from.map((t) => {
    while (j + 1 < to.length && Math.abs(to[j + 1] - t) <= Math.abs(to[j] - t)) j++;
    return to.length && Math.abs(to[j] - t) <= step / 2 ? j : -1;
  });
}

export interface OverlayLine {
  kind: LayerKind;
  label: string;
  /** The kernel's layer top at each of the simulated chart's samples, kB; null where the kernel
   *  has no sample yet or any more (its run ended early). */
  top: (number | null)[];
}

/** The kernel's residency of `node` as the tops of the same layers the simulated chart stacks
 *  (anon huge, anon, page cache, other), on the simulated chart's time axis (matchSamples). */
export function overlayLines(pair: KernelPair, node: number): OverlayLine[] {
  const ns = pair.kernel.series.nodes.find((n) => n.node === node);
  if (!ns) return [];
  const k = nodeResidency(pair.kernel, ns);
  const idx = matchSamples(pair.simulated.series.t_ms, pair.kernel.series.t_ms);
  return k.layers
    .filter((l) => l.kind !== 'free')
    .map((l) => ({ kind: l.kind, label: `kernel: ${l.label}`, top: idx.map((i) => (i < 0 ? null : l.top[i])) }));
}

export interface CounterRow {
  name: string;
  simulated: number;
  kernel: number;
  /** kernel - simulated. */
  difference: number;
  within: boolean;
}

/** /proc/vmstat counters both sides report, side by side (the model-only ones, absent from a
 *  kernel run, and those zero on both sides are left out). */
export function counterRows(pair: KernelPair): CounterRow[] {
  const s = pair.simulated.summary.vmstat;
  const k = pair.kernel.summary.vmstat;
  return Object.keys(k)
    .filter((name) => name in s && (s[name] !== 0 || k[name] !== 0))
    .sort()
    .map((name) => {
      const difference = k[name] - s[name];
      return { name, simulated: s[name], kernel: k[name], difference, within: Math.abs(difference) <= COUNTER_TOLERANCE * Math.max(Math.abs(s[name]), Math.abs(k[name])) };
    });
}

export interface Fidelity {
  /** Sampled placements (per kernel sample, per node: anon and page cache kB) within 5% of the
   *  node's size of the simulation at the same time. */
  placementsWithin: number;
  placements: number;
  countersWithin: number;
  counters: number;
}

function nodeSize(v: VariantResult, node: number): number {
  return v.summary.nodes.find((n) => n.node === node)?.MemTotal ?? 0;
}

export function fidelity(pair: KernelPair): Fidelity {
  let placements = 0;
  let placementsWithin = 0;
  const simIndex = matchSamples(pair.kernel.series.t_ms, pair.simulated.series.t_ms);
  for (const kn of pair.kernel.series.nodes) {
    const sn: NodeSeries | undefined = pair.simulated.series.nodes.find((n) => n.node === kn.node);
    if (!sn) continue;
    const size = nodeSize(pair.simulated, kn.node) || nodeSize(pair.kernel, kn.node);
    for (let i = 0; i < simIndex.length; i++) {
      const j = simIndex[i];
      if (j < 0) continue;
      for (const [a, b] of [
        [kn.AnonPages[i], sn.AnonPages[j]],
        [kn.FilePages[i], sn.FilePages[j]],
      ]) {
        placements++;
        if (Math.abs(a - b) <= PLACEMENT_TOLERANCE * size) placementsWithin++;
      }
    }
  }
  const rows = counterRows(pair);
  return { placementsWithin, placements, countersWithin: rows.filter((r) => r.within).length, counters: rows.length };
}

/** "placements 41/80 (51%) within 5% of node size · counters 3/7 within 25%". */
export function fidelityText(f: Fidelity): string {
  const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : 'n/a');
  return `placements ${f.placementsWithin}/${f.placements} (${pct(f.placementsWithin, f.placements)}) within ${PLACEMENT_TOLERANCE * 100}% of node size · counters ${f.countersWithin}/${f.counters} (${pct(f.countersWithin, f.counters)}) within ${COUNTER_TOLERANCE * 100}%`;
}

/** The simulated chart's time axis, seconds (the lines are drawn on it). */
export function overlayAxis(pair: KernelPair): Float64Array {
  return timeAxisSeconds(pair.simulated.series.t_ms);
}
