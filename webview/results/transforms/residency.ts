// Per-node residency over time, as stacked layers: the data behind one chart per node.
//
// meminfo semantics (as the kernel reports them since 4.8): AnonPages counts every anonymous page
// including those in transparent huge pages, and AnonHugePages is the THP part of it. So the
// stack is  anon huge | anon 4k (AnonPages - AnonHugePages) | page cache | other | free,
// where "other" is what MemTotal holds beyond those (kernel, slab, page tables) and is shown only
// when it is not zero.

import type { VariantResult, NodeSeries } from '../../../src/core/result';

export type LayerKind = 'anon_huge' | 'anon' | 'file' | 'other' | 'free' | 'workload' | 'unattributed';

export interface Layer {
  kind: LayerKind;
  label: string;
  /** The layer's own value at each sample, kB. */
  raw: Float64Array;
  /** The top of the layer in the stack at each sample, kB (the value the chart draws). */
  top: Float64Array;
}

export interface ResidencyChart {
  node: number;
  memTotalKB: number;
  /** Sample times, seconds. */
  x: Float64Array;
  /** Bottom layer first. */
  layers: Layer[];
}

export function timeAxisSeconds(tMs: ArrayLike<number>): Float64Array {
  const x = new Float64Array(tMs.length);
  for (let i = 0; i < tMs.length; i++) x[i] = tMs[i] / 1000;
  return x;
}

function memTotalOf(variant: VariantResult, node: number): number {
  const n = variant.summary.nodes.find((m) => m.node === node);
  return n ? n.MemTotal : 0;
}

/** Stacks `raws` (bottom first) into layers with cumulative tops. */
function stack(parts: { kind: LayerKind; label: string; raw: Float64Array }[], n: number): Layer[] {
  const acc = new Float64Array(n);
  return parts.map((p) => {
    const top = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      acc[i] += p.raw[i];
      top[i] = acc[i];
    }
    return { ...p, top };
  });
}

export function nodeResidency(variant: VariantResult, ns: NodeSeries): ResidencyChart {
  const n = variant.series.t_ms.length;
  const memTotal = memTotalOf(variant, ns.node);
  const huge = new Float64Array(n);
  const anon = new Float64Array(n);
  const file = new Float64Array(n);
  const other = new Float64Array(n);
  const free = new Float64Array(n);
  let anyOther = false;
  for (let i = 0; i < n; i++) {
    const h = ns.AnonHugePages[i];
    huge[i] = h;
    anon[i] = Math.max(0, ns.AnonPages[i] - h);
    file[i] = ns.FilePages[i];
    free[i] = ns.MemFree[i];
    const rest = memTotal - ns.AnonPages[i] - ns.FilePages[i] - ns.MemFree[i];
    // A few kB of rounding is not a layer worth drawing.
    other[i] = rest > 4 ? rest : 0;
    if (other[i] > 0) anyOther = true;
  }
  const parts: { kind: LayerKind; label: string; raw: Float64Array }[] = [
    { kind: 'anon_huge', label: 'anon huge pages', raw: huge },
    { kind: 'anon', label: 'anon', raw: anon },
    { kind: 'file', label: 'page cache', raw: file },
  ];
  if (anyOther) parts.push({ kind: 'other', label: 'other', raw: other });
  parts.push({ kind: 'free', label: 'free', raw: free });
  return { node: ns.node, memTotalKB: memTotal, x: timeAxisSeconds(variant.series.t_ms), layers: stack(parts, n) };
}

/** The same node split per workload: each workload's resident memory, then the rest of the
 *  used memory (page cache of exited workloads, kernel), then free. */
export function nodeResidencyByWorkload(variant: VariantResult, ns: NodeSeries): ResidencyChart {
  const n = variant.series.t_ms.length;
  const memTotal = memTotalOf(variant, ns.node);
  const parts: { kind: LayerKind; label: string; raw: Float64Array }[] = [];
  const attributed = new Float64Array(n);
  for (const w of variant.series.workloads) {
    if (w.node !== ns.node) continue;
    const raw = Float64Array.from(w.resident_kB);
    for (let i = 0; i < n; i++) attributed[i] += raw[i];
    parts.push({ kind: 'workload', label: w.name, raw });
  }
  const rest = new Float64Array(n);
  const free = Float64Array.from(ns.MemFree);
  for (let i = 0; i < n; i++) rest[i] = Math.max(0, memTotal - free[i] - attributed[i]);
  parts.push({ kind: 'unattributed', label: 'page cache and other', raw: rest });
  parts.push({ kind: 'free', label: 'free', raw: free });
  return { node: ns.node, memTotalKB: memTotal, x: timeAxisSeconds(variant.series.t_ms), layers: stack(parts, n) };
}

export function residencyCharts(variant: VariantResult, splitByWorkload: boolean): ResidencyChart[] {
  return variant.series.nodes.map((ns) =>
    splitByWorkload ? nodeResidencyByWorkload(variant, ns) : nodeResidency(variant, ns),
  );
}

/** The end of the time axis every chart shares, seconds. */
export function timeExtentSeconds(variant: VariantResult): [number, number] {
  const t = variant.series.t_ms;
  const lastEvent = variant.events.length ? variant.events[variant.events.length - 1].t_ms : 0;
  const end = Math.max(t.length ? t[t.length - 1] : 0, lastEvent);
  return [0, end / 1000 || 1];
}
