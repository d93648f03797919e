// The uPlot charts of the results panel. Every time chart shares one x scale (seconds of
// simulated time), one cursor-sync group and one left-axis width, so the residency charts, the
// event timeline and the cgroup chart line up and move together.

import uPlot from 'uplot';
import type { Palette } from './theme';
import { withAlpha, mix } from './transforms/color';
import type { ResidencyChart, LayerKind } from './transforms/residency';
import { type Timeline, rowSpan, itemAt, describeItem, LANES } from './transforms/events';
import type { CgroupChart } from './transforms/cgroups';
import type { SweepChart } from './transforms/sweep';
import { shade, type HeatMap } from './transforms/heatmap';
import type { OverlayLine } from './transforms/kernelOverlay';
import type { PerfChart } from './transforms/workloads';
import { sizeUnitFor, formatKB, trimNumber } from './transforms/format';

const SYNC_KEY = 'numa-time';
/** Same width for every time chart's left axis, so their plot areas align. */
const LEFT_AXIS = 156;

export interface ChartHandle {
  plot: uPlot;
  /** A title drawn above the chart in the PNG export. */
  title: string;
  container: HTMLElement;
}

/** The theme's look of an axis: muted labels, grid-coloured ticks, and grid lines unless a
 *  chart draws its own cells. */
function axisStyle(p: Palette, grid = true): uPlot.Axis {
  return { stroke: p.muted, grid: grid ? { stroke: p.grid, width: 1 } : { show: false }, ticks: { stroke: p.grid, width: 1 }, font: '11px sans-serif', labelFont: '11px sans-serif' };
}

/** One line per workload or cgroup, coloured from the theme's cycle, without point markers. */
function lineSeries(label: string, i: number, p: Palette, value: uPlot.Series['value'], gaps?: Partial<uPlot.Series>): uPlot.Series {
  return { label, stroke: p.cycle[i % p.cycle.length], width: 1.5, points: { show: false }, value, ...gaps };
}

function axes(p: Palette, yLabel: string, yValues?: uPlot.Axis['values']): uPlot.Axis[] {
  const common = axisStyle(p);
  return [
    { ...common, label: 'simulated time (s)', labelSize: 18, size: 36 },
    { ...common, label: yLabel, labelSize: 18, size: LEFT_AXIS - 18, values: yValues },
  ];
}

/** Zoom by drag on one time chart zooms them all; a double click resets. */
class TimeGroup {
  private charts: uPlot[] = [];
  private syncing = false;
  add(u: uPlot): void {
    this.charts.push(u);
  }
  clear(): void {
    this.charts = [];
  }
  onScale = (u: uPlot, key: string): void => {
    if (key !== 'x' || this.syncing) return;
    const { min, max } = u.scales.x;
    if (min === undefined || max === undefined) return;
    this.syncing = true;
    for (const other of this.charts) if (other !== u) other.setScale('x', { min, max });
    this.syncing = false;
  };
}

export const timeGroup = new TimeGroup();

/** Joins the synced group and shows the whole run, whatever this chart's own data covers. */
function startAt(plot: uPlot, xRange: [number, number]): void {
  plot.setScale('x', { min: xRange[0], max: xRange[1] });
  timeGroup.add(plot);
}

function timeOptions(width: number, height: number): Partial<uPlot.Options> {
  return {
    width,
    height,
    scales: { x: { time: false } },
    cursor: { sync: { key: SYNC_KEY, setSeries: false }, drag: { x: true, y: false }, points: { show: false } },
    legend: { show: true, live: true },
    hooks: { setScale: [timeGroup.onScale] },
  };
}

const LAYER_COLOR: Record<LayerKind, (p: Palette) => string> = {
  anon_huge: (p) => p.anonHuge,
  anon: (p) => p.anon,
  file: (p) => p.file,
  other: (p) => p.other,
  free: (p) => p.free,
  workload: (p) => p.orange,
  unattributed: (p) => p.other,
};

/** One stacked area chart of a node. Layers are drawn top first, each filled down to zero, so
 *  the lower layers paint over the upper ones: a stack without uPlot bands. */
export function residencyPlot(
  el: HTMLElement,
  chart: ResidencyChart,
  p: Palette,
  width: number,
  xRange: [number, number],
  /** A kernel run's layer tops, drawn as dashed lines over the simulated areas. */
  overlay: OverlayLine[] = [],
): ChartHandle {
  const unit = sizeUnitFor(chart.memTotalKB || 1);
  const ordered = [...chart.layers].reverse();
  let cycle = 0;
  const series: uPlot.Series[] = [
    { label: 't (s)', value: (_u, v) => (v === null ? '–' : trimNumber(v, 4)) },
    ...ordered.map((layer): uPlot.Series => {
      const color = layer.kind === 'workload' ? p.cycle[cycle++ % p.cycle.length] : LAYER_COLOR[layer.kind](p);
      const raw = layer.raw;
      return {
        label: layer.label,
        stroke: layer.kind === 'free' ? mix(color, p.background, 0.6) : color,
        // Opaque fills: each layer is filled down to zero over the ones above it.
        fill: mix(color, p.background, layer.kind === 'free' ? 0.22 : 0.75),
        width: 1,
        points: { show: false },
        value: (_u, _v, _si, idx) => (idx === null || idx === undefined ? '–' : formatKB(raw[idx], unit)),
      };
    }),
    ...overlay.map((line): uPlot.Series => ({
      label: line.label,
      stroke: LAYER_COLOR[line.kind](p),
      width: 2,
      dash: [6, 4],
      spanGaps: false,
      points: { show: false },
      value: (_u, _v, _si, idx) => (idx === null || idx === undefined || line.top[idx] === null ? '–' : formatKB(line.top[idx]!, unit)),
    })),
  ];
  const lines = overlay.map((line) => line.top.map((v) => (v === null ? null : v / unit.perKB)));
  const data = [chart.x, ...ordered.map((l) => scaled(l.top, unit.perKB)), ...lines] as uPlot.AlignedData;
  const linesTop = Math.max(0, ...lines.flatMap((l) => l.map((v) => v ?? 0)));
  const top = Math.max((chart.memTotalKB || maxOf(chart.layers[chart.layers.length - 1]?.top)) / unit.perKB, linesTop);
  const base = timeOptions(width, 190);
  const opts: uPlot.Options = {
    ...(base as uPlot.Options),
    title: `node ${chart.node} · ${formatKB(chart.memTotalKB, unit)}`,
    series,
    scales: { ...base.scales, y: { range: [0, top * 1.001] } },
    axes: axes(p, `node ${chart.node} (${unit.label})`),
  };
  const plot = new uPlot(opts, data, el);
  startAt(plot, xRange);
  return { plot, title: `Node ${chart.node} residency${overlay.length ? ' (kernel as dashed lines)' : ''}`, container: el };
}

function scaled(a: Float64Array, div: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] / div;
  return out;
}

function maxOf(a: ArrayLike<number> | undefined): number {
  let m = 0;
  if (a) for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}


/** The event timeline: one lane per mechanism, one strip per node inside a lane; spans for
 *  kswapd runs and stalls with a duration, ticks for instant events. Hover shows the event. */
export function timelinePlot(
  el: HTMLElement,
  tl: Timeline,
  p: Palette,
  width: number,
  xRange: [number, number],
): ChartHandle {
  const n = tl.lanes.length;
  const laneHeight = 18;
  const tooltip = document.createElement('div');
  tooltip.className = 'tooltip';
  tooltip.hidden = true;

  const draw = (u: uPlot): void => {
    const ctx = u.ctx;
    const { left, top, width: w, height: h } = u.bbox;
    const px = uPlot.pxRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, w, h);
    ctx.clip();
    // Alternate lane shading, so a row reads across the whole width.
    ctx.fillStyle = withAlpha(p.foreground, 0.04);
    for (let i = 0; i < n; i += 2) {
      const y0 = u.valToPos(n - i, 'y', true);
      const y1 = u.valToPos(n - i - 1, 'y', true);
      ctx.fillRect(left, y0, w, y1 - y0);
    }
    const xMin = u.scales.x.min ?? xRange[0];
    const xMax = u.scales.x.max ?? xRange[1];
    tl.lanes.forEach((lane, li) => {
      // Per node strip, remember the last pixel column drawn: thousands of instant events in
      // one column are one tick.
      const lastPx = new Map<number, number>();
      for (const it of lane.items) {
        if (it.end < xMin || it.start > xMax) continue;
        const [r0, r1] = rowSpan(tl, li, it.node);
        const y0 = u.valToPos(n - r0, 'y', true);
        const y1 = u.valToPos(n - r1, 'y', true);
        const x0 = Math.round(u.valToPos(it.start, 'x', true));
        const x1 = Math.round(u.valToPos(it.end, 'x', true));
        const wpx = Math.max(2 * px, x1 - x0);
        if (wpx <= 2 * px && lastPx.get(it.node) === x0) continue;
        lastPx.set(it.node, x0);
        ctx.fillStyle = laneColor(it.kind, p);
        ctx.fillRect(x0, y0, wpx, y1 - y0);
      }
    });
    ctx.restore();
  };

  // The tooltip follows the mouse itself (not uPlot's cursor, whose cached rectangle can lag a
  // layout change of the workbench), measuring the plot area on every move.
  const onMove = (u: uPlot, e: MouseEvent): void => {
    const rect = u.over.getBoundingClientRect();
    const left = e.clientX - rect.left;
    const top = e.clientY - rect.top;
    if (left < 0 || top < 0 || left > rect.width || top > rect.height) {
      tooltip.hidden = true;
      return;
    }
    const xMin = u.scales.x.min ?? xRange[0];
    const xMax = u.scales.x.max ?? xRange[1];
    const t = xMin + (left / rect.width) * (xMax - xMin);
    const tol = (5 / rect.width) * (xMax - xMin);
    const row = (top / rect.height) * n;
    const it = itemAt(tl, row, t, tol);
    if (!it) {
      tooltip.hidden = true;
      return;
    }
    tooltip.replaceChildren(...describeItem(it).map((line) => Object.assign(document.createElement('div'), { textContent: line })));
    tooltip.hidden = false;
    const flip = left > rect.width - 240;
    tooltip.style.left = `${flip ? left - 12 - tooltip.offsetWidth : left + 12}px`;
    tooltip.style.top = `${Math.max(0, top - 10)}px`;
  };

  // At least three lanes' height: a single lane would be a sliver with its label cut off.
  const base = timeOptions(width, Math.max(n, 3) * laneHeight + 50);
  const opts: uPlot.Options = {
    ...(base as uPlot.Options),
    series: [{ label: 't (s)' }, { label: 'lanes', show: true, stroke: 'transparent', points: { show: false } }],
    scales: { ...base.scales, y: { range: [0, n] } },
    axes: [
      axes(p, '')[0],
      {
        ...axes(p, '')[1],
        label: '',
        labelSize: 0,
        size: LEFT_AXIS,
        grid: { show: false },
        ticks: { show: false },
        splits: () => tl.lanes.map((_, i) => n - i - 0.5),
        values: () => tl.lanes.map((l) => (l.count ? `${l.label} (${l.count})` : l.label)),
      },
    ],
    legend: { show: false },
    hooks: { ...base.hooks, draw: [draw] },
  };
  // One invisible series spanning the lanes keeps uPlot's y scale alive.
  const data: uPlot.AlignedData = [Float64Array.from(xRange), Float64Array.from([0, n])];
  const plot = new uPlot(opts, data, el);
  plot.over.appendChild(tooltip);
  plot.over.addEventListener('mousemove', (e) => onMove(plot, e));
  plot.over.addEventListener('mouseleave', () => (tooltip.hidden = true));
  startAt(plot, xRange);
  return { plot, title: 'Reclaim and placement events', container: el };
}

export function laneColor(kind: string, p: Palette): string {
  return p.events[kind as keyof Palette['events']] ?? p.foreground;
}

export { LANES };

export function cgroupPlot(el: HTMLElement, c: CgroupChart, p: Palette, width: number, xRange: [number, number]): ChartHandle {
  const unit = sizeUnitFor((c.maxBytes || 1024) / 1024);
  const base = timeOptions(width, 170);
  const opts: uPlot.Options = {
    ...(base as uPlot.Options),
    series: [
      { label: 't (s)', value: (_u, v) => (v === null ? '–' : trimNumber(v, 4)) },
      ...c.series.map((s, i) => lineSeries(`${s.name} memory.current`, i, p, (_u, _v, _si, idx) => (idx === null || idx === undefined ? '–' : formatKB(s.bytes[idx] / 1024, unit)))),
    ],
    scales: { ...base.scales, y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.05] } },
    axes: axes(p, `memory.current (${unit.label})`),
  };
  const data: uPlot.AlignedData = [c.x, ...c.series.map((s) => scaled(s.bytes, 1024 * unit.perKB))];
  const plot = new uPlot(opts, data, el);
  startAt(plot, xRange);
  return { plot, title: 'cgroup memory.current', container: el };
}

/** Closed-loop progress of the variant's workloads over time, one line per workload: its
 *  throughput (accesses per second) or the mean cost of its accesses (ns, stalls included). */
export function perfPlot(el: HTMLElement, c: PerfChart, which: 'throughput' | 'cost', p: Palette, width: number, xRange: [number, number]): ChartHandle {
  const throughput = which === 'throughput';
  const fmt = (v: number): string => (throughput ? `${trimNumber(v / 1e6, 4)} M/s` : `${trimNumber(v, 4)} ns`);
  const base = timeOptions(width, 170);
  const opts: uPlot.Options = {
    ...(base as uPlot.Options),
    series: [
      { label: 't (s)', value: (_u, v) => (v === null ? '–' : trimNumber(v, 4)) },
      ...c.series.map((s, i) => lineSeries(`${s.name} ${throughput ? 'accesses/s' : 'ns/access'}`, i, p, (_u, v) => (v === null || v === undefined ? '–' : fmt(v)), { spanGaps: false })),
    ],
    scales: { ...base.scales, y: { range: (_u, _min, max) => [0, Math.max(max, 1e-9) * 1.05] } },
    axes: axes(p, throughput ? 'accesses/s (M)' : 'ns per access', (_u, splits) => splits.map((v) => (throughput ? trimNumber(v / 1e6, 3) : trimNumber(v, 3)))),
  };
  const data = [c.x, ...c.series.map((s) => (throughput ? s.perSecond : s.nsPerAccess))] as uPlot.AlignedData;
  const plot = new uPlot(opts, data, el);
  startAt(plot, xRange);
  return { plot, title: throughput ? 'Throughput per workload (accesses/s)' : 'Cost per access per workload (ns, stalls included)', container: el };
}

export function sweepPlot(el: HTMLElement, s: SweepChart, p: Palette, width: number): ChartHandle {
  const fmtY = (v: number): string => (s.metric === 'remote_access_ratio' ? `${(v * 100).toFixed(1)}%` : trimNumber(v, 4));
  const common = axisStyle(p);
  const opts: uPlot.Options = {
    width,
    height: 220,
    series: [
      { label: s.knob, value: (_u, v, _si, idx) => (idx === null || idx === undefined ? '–' : s.labels[idx] ?? String(v)) },
      {
        label: s.metric,
        stroke: p.blue,
        width: 2,
        points: { show: true, size: 7, fill: p.blue },
        value: (_u, v) => (v === null ? '–' : fmtY(v)),
      },
    ],
    scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.min(0, min), max === 0 ? 1 : max * 1.08] } },
    axes: [
      {
        ...common,
        label: s.knob,
        labelSize: 18,
        size: 36,
        splits: s.numeric ? undefined : () => Array.from(s.x),
        values: s.numeric ? undefined : (_u, splits) => splits.map((v) => s.labels[Math.round(v)] ?? ''),
      },
      { ...common, label: s.metric, labelSize: 18, size: LEFT_AXIS - 18, values: (_u, splits) => splits.map(fmtY) },
    ],
    cursor: { drag: { x: false, y: false } },
  };
  const plot = new uPlot(opts, [s.x, s.y], el);
  return { plot, title: `${s.metric} against ${s.knob}`, container: el };
}

/** The colour of a heat-map cell: from the editor background (lowest) to the theme's orange
 *  (highest), so the ramp follows the theme and reads as more or less of one thing. */
export function heatColor(p: Palette, t: number): string {
  return mix(p.orange, p.background, 0.12 + 0.88 * Math.min(1, Math.max(0, t)));
}

/** A metric over two knobs of a sweep: one cell per point, its value written in it when the cell
 *  has room; hovering names the point, clicking picks its variant. */
export function heatmapPlot(el: HTMLElement, m: HeatMap, p: Palette, width: number, onPick: (variant: string) => void): ChartHandle {
  const nx = m.xLabels.length;
  const ny = m.yLabels.length;
  const fmt = (v: number): string => (m.metric === 'remote_access_ratio' ? `${(v * 100).toFixed(1)}%` : trimNumber(v, 4));
  const tooltip = document.createElement('div');
  tooltip.className = 'tooltip';
  tooltip.hidden = true;
  const common = axisStyle(p, false);

  const draw = (u: uPlot): void => {
    const ctx = u.ctx;
    const px = uPlot.pxRatio;
    ctx.save();
    ctx.font = `${Math.round(11 * px)}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx; c++) {
        const x0 = u.valToPos(c - 0.5, 'x', true);
        const x1 = u.valToPos(c + 0.5, 'x', true);
        const y0 = u.valToPos(r + 0.5, 'y', true);
        const y1 = u.valToPos(r - 0.5, 'y', true);
        const v = m.values[r][c];
        // A missing point is left empty, outlined.
        if (v === null) {
          ctx.strokeStyle = p.grid;
          ctx.strokeRect(x0 + px, y0 + px, x1 - x0 - 2 * px, y1 - y0 - 2 * px);
          continue;
        }
        const t = shade(m, v);
        ctx.fillStyle = heatColor(p, t);
        ctx.fillRect(x0 + px, y0 + px, x1 - x0 - 2 * px, y1 - y0 - 2 * px);
        const text = fmt(v);
        if (x1 - x0 > ctx.measureText(text).width + 6 * px && y1 - y0 > 14 * px) {
          ctx.fillStyle = t > 0.6 ? p.background : p.foreground;
          ctx.fillText(text, (x0 + x1) / 2, (y0 + y1) / 2);
        }
      }
    }
    ctx.restore();
  };

  /** The cell under a point of the plot area, or null. */
  const cellAt = (u: uPlot, e: MouseEvent): { r: number; c: number; left: number; top: number } | null => {
    const rect = u.over.getBoundingClientRect();
    const left = e.clientX - rect.left;
    const top = e.clientY - rect.top;
    if (left < 0 || top < 0 || left >= rect.width || top >= rect.height) return null;
    const c = Math.floor((left / rect.width) * nx);
    const r = ny - 1 - Math.floor((top / rect.height) * ny);
    return r >= 0 && r < ny && c >= 0 && c < nx ? { r, c, left, top } : null;
  };

  const opts: uPlot.Options = {
    width,
    height: Math.min(480, Math.max(180, ny * 44 + 60)),
    series: [{ label: m.xKnob }, { label: m.metric, stroke: 'transparent', points: { show: false } }],
    scales: { x: { time: false, range: [-0.5, nx - 0.5] }, y: { range: [-0.5, ny - 0.5] } },
    axes: [
      { ...common, label: m.xKnob, labelSize: 18, size: 36, splits: () => m.xLabels.map((_, i) => i), values: () => m.xLabels },
      { ...common, label: m.yKnob, labelSize: 18, size: LEFT_AXIS - 18, splits: () => m.yLabels.map((_, i) => i), values: () => m.yLabels },
    ],
    legend: { show: false },
    cursor: { show: false, drag: { x: false, y: false } },
    hooks: { draw: [draw] },
  };
  // One invisible series spanning the grid keeps uPlot's scales alive; the cells are drawn above.
  const data: uPlot.AlignedData = [Float64Array.from([-0.5, nx - 0.5]), Float64Array.from([-0.5, ny - 0.5])];
  const plot = new uPlot(opts, data, el);
  plot.over.appendChild(tooltip);
  plot.over.addEventListener('mousemove', (e) => {
    const cell = cellAt(plot, e);
    const name = cell ? m.variants[cell.r][cell.c] : null;
    if (!cell || !name) {
      tooltip.hidden = true;
      return;
    }
    const v = m.values[cell.r][cell.c];
    tooltip.replaceChildren(
      ...[`${m.xKnob} = ${m.xLabels[cell.c]}`, `${m.yKnob} = ${m.yLabels[cell.r]}`, `${m.metric}: ${v === null ? 'not run' : fmt(v)}`, 'click to show this variant']
        .map((line) => Object.assign(document.createElement('div'), { textContent: line })),
    );
    tooltip.hidden = false;
    const rect = plot.over.getBoundingClientRect();
    tooltip.style.left = `${cell.left > rect.width - 240 ? cell.left - 12 - tooltip.offsetWidth : cell.left + 12}px`;
    tooltip.style.top = `${Math.max(0, cell.top - 10)}px`;
  });
  plot.over.addEventListener('mouseleave', () => (tooltip.hidden = true));
  plot.over.addEventListener('click', (e) => {
    const cell = cellAt(plot, e);
    const name = cell ? m.variants[cell.r][cell.c] : null;
    if (name) onPick(name);
  });
  const held = m.fixed.map((f) => `${f.knob} = ${f.value}`).join(', ');
  return { plot, title: `${m.metric} over ${m.xKnob} and ${m.yKnob}${held ? ` (${held})` : ''}`, container: el };
}
