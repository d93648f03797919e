// The results panel: the summary table, per-node residency, the event timeline, cgroups and
// sweeps of one run. It talks to the extension only through the typed protocol and keeps just
// its selections and the result file path in setState; the data comes back from that file.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';

import type { ExportFormat, PanelModel, PanelSelections, ToWebview } from '../../src/protocol/messages';
import type { VariantResult } from '../../src/core/result';
import { vscode } from './vscodeApi';
import { readPalette, watchTheme, type Palette } from './theme';
import { residencyCharts, timeExtentSeconds } from './transforms/residency';
import { buildTimeline, shownKinds, timelineNotes, KIND_LABEL, type Timeline } from './transforms/events';
import { cgroupChart } from './transforms/cgroups';
import { summaryTable, expectationLines } from './transforms/summary';
import { sweepChart, sweepMetrics } from './transforms/sweep';
import { heatMap, normalizeChoice, productSweeps, type HeatMapChoice } from './transforms/heatmap';
import { formatSimTime } from './transforms/format';
import { decimateVariant } from '../../src/protocol/decimate';
import { renderSummaryTable, renderExpectations, fitSummaryTable } from './table';
import { kernelPair, overlayLines } from './transforms/kernelOverlay';
import { upsertInRunOrder } from './transforms/live';
import { kernelOverlayView } from './kernelOverlayView';
import { residencyPlot, timelinePlot, cgroupPlot, sweepPlot, heatmapPlot, heatColor, perfPlot, timeGroup, laneColor, type ChartHandle } from './charts';
import { perfChart, workloadTimes } from './transforms/workloads';
import { workloadTimesView } from './workloadsView';

let model: PanelModel | null = null;
let selections: PanelSelections = vscode.getState()?.selections ?? {};
let charts: ChartHandle[] = [];
let palette: Palette = readPalette();
let notice: { kind: 'error' | 'info'; text: string } | null = null;
/** The summary table's host and the width it was fitted to: refitted when the panel resizes. */
let summaryHost: HTMLElement | null = null;
let summaryWidth = 0;

const app = document.getElementById('app')!;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function custom(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function saveState(): void {
  if (!model) return;
  vscode.setState({ resultPaths: model.resultPaths, selections, comparison: model.comparison });
  vscode.postMessage({ type: 'selections', selections });
}

function select(label: string, id: string, options: string[], value: string | undefined, onChange: (v: string) => void): HTMLElement {
  const sel = custom('vscode-single-select', { id, 'aria-label': label });
  for (const o of options) {
    const opt = custom('vscode-option', { value: o }, o);
    if (o === value) opt.setAttribute('selected', '');
    sel.append(opt);
  }
  sel.addEventListener('change', () => onChange((sel as unknown as { value: string }).value));
  return h('label', { class: 'control' }, h('span', {}, label), sel);
}

/** The variant the charts, the table highlight and the picker all show: the one picked, else
 *  during a run the running one the status line names (the first still running when several
 *  run side by side), else the first. */
function currentVariant(): VariantResult | undefined {
  const vs = model?.result.variants ?? [];
  const live = model?.live;
  const running = live?.running ? vs.find((v) => v.name === live.progress?.variant) ?? vs[vs.length - 1] : undefined;
  return vs.find((v) => v.name === selections.variant) ?? running ?? vs[0];
}

function chartWidth(): number {
  return Math.max(360, Math.floor(app.clientWidth - 8));
}

function statusLine(): HTMLElement {
  const live = model?.live;
  const box = h('div', { id: 'status', class: 'status' });
  if (live?.running) {
    const p = live.progress;
    box.append(
      h('span', { class: 'running' }, p ? `Running ${p.variant} (${p.variantIndex + 1}/${p.variantCount}): ${formatSimTime(p.simulated_ms)} of ${formatSimTime(p.duration_ms)} simulated` : 'Starting…'),
    );
    const frac = p ? p.overall ?? (p.variantIndex + Math.min(1, p.simulated_ms / Math.max(1, p.duration_ms))) / p.variantCount : 0;
    box.append(custom('vscode-progress-bar', { value: String(Math.round(frac * 100)), max: '100', 'aria-label': 'run progress' }));
  } else if (model?.resultPaths.length) {
    box.append(h('span', { class: 'path' }, `Saved: ${model.resultPaths.join('  ·  ')}`));
  }
  if (live?.error) box.append(h('div', { class: 'notice error', role: 'alert' }, live.error));
  if (live?.cancelled) box.append(h('div', { class: 'notice info' }, 'Run cancelled: showing what was simulated so far. Nothing was saved.'));
  if (notice) box.append(h('div', { class: `notice ${notice.kind}` }, notice.text));
  return box;
}

function toolbar(): HTMLElement {
  const vs = model!.result.variants.map((v) => v.name);
  const bar = h('div', { class: 'toolbar' });
  if (vs.length) {
    bar.append(
      select('Variant', 'variant-picker', vs, currentVariant()?.name, (v) => {
        selections = { ...selections, variant: v };
        saveState();
        render();
      }),
    );
  }
  if (vs.length > 1) {
    bar.append(
      select('Baseline', 'baseline-picker', ['(none)', ...vs], selections.baseline ?? '(none)', (v) => {
        selections = { ...selections, baseline: v === '(none)' ? undefined : v };
        saveState();
        render();
      }),
    );
  }
  const split = custom('vscode-checkbox', { id: 'split-workloads', label: 'Split per workload' });
  if (selections.splitByWorkload) split.setAttribute('checked', '');
  split.addEventListener('change', () => {
    selections = { ...selections, splitByWorkload: (split as unknown as { checked: boolean }).checked };
    saveState();
    render();
  });
  bar.append(split);
  const spacer = h('span', { class: 'spacer' });
  bar.append(spacer);
  for (const f of ['csv', 'json', 'png'] as ExportFormat[]) {
    const b = custom('vscode-button', { id: `export-${f}`, secondary: '' }, `Export ${f.toUpperCase()}`);
    b.addEventListener('click', () => exportFiles([f]));
    bar.append(b);
  }
  return bar;
}

function section(id: string, title: string, ...children: (Node | string)[]): HTMLElement {
  return h('section', { id }, h('h2', {}, title), ...children);
}

function render(): void {
  const t0 = performance.now();
  for (const c of charts) c.plot.destroy();
  charts = [];
  timeGroup.clear();
  if (!model) {
    app.replaceChildren(h('p', { class: 'empty' }, 'Waiting for results…'));
    return;
  }
  const r = model.result;
  const title = h('h1', {}, model.title || r.scenario);
  const sub = model.comparison ? h('div', { class: 'subtitle' }, `Comparing ${model.comparison.left} with ${model.comparison.right}`) : '';
  const nodes: (Node | string)[] = [title, sub, statusLine()];
  if (!r.variants.length) {
    app.replaceChildren(...nodes);
    return;
  }
  nodes.push(toolbar());

  const width = chartWidth();
  const tableHost = h('div', { class: 'table-host' });
  const table = summaryTable(r, selections.baseline);
  renderSummaryTable(tableHost, table, currentVariant()?.name, (v) => {
    selections = { ...selections, variant: v };
    saveState();
    render();
  });
  const expHost = h('div');
  renderExpectations(expHost, expectationLines(r));
  const summaryRow = h('div', { class: 'summary-row' }, tableHost, expHost);
  nodes.push(section('summary', 'Summary', summaryRow));
  // Closed-loop time: every variant's run time, unfinished workloads and time split.
  const times = workloadTimes(r);
  if (times.some((t) => t.workloads.length > 0)) nodes.push(section('workload-times', 'Run time per workload', workloadTimesView(times, palette, currentVariant()?.name)));

  // Charts get at most 8 points per horizontal pixel: the same picture as every sample (the
  // thinning keeps each bucket's extremes) up to an 8x zoom, at a fraction of the drawing.
  const variant = decimateVariant(currentVariant()!, 8 * chartWidth());
  // A kernel run and the simulation of the same variant: the simulated areas with the kernel's lines.
  const pair = kernelPair(r, variant.name);
  if (pair) pair.simulated = decimateVariant(pair.simulated, 8 * chartWidth());
  const areas = pair && !selections.splitByWorkload ? pair.simulated : variant;
  const xRange = timeExtentSeconds(variant);
  const residencyHost = h('div', { class: 'charts' });
  const timelineHost = h('div', { class: 'charts' });
  const cgroupHost = h('div', { class: 'charts' });
  nodes.push(section('residency', `Residency per node · ${areas === variant ? variant.name : `${areas.name} (areas) with ${pair!.kernel.name} (kernel, dashed lines)`}`, residencyHost));
  if (pair) nodes.push(section('kernel-overlay', `Simulation against the kernel · ${pair.base}`, kernelOverlayView(pair)));
  const tl = buildTimeline(variant.events, variant.series.nodes.map((n) => n.node), xRange[1]);
  nodes.push(section('events', `Reclaim and placement events · ${variant.name}`, timelineHost, legendForLanes(tl), timelineNoteList(variant, tl)));
  const cg = cgroupChart(variant);
  if (cg) nodes.push(section('cgroups', `cgroup memory.current · ${variant.name}`, cgroupHost));
  const perf = perfChart(variant);
  const perfHost = h('div', { class: 'charts' });
  if (perf) nodes.push(section('workload-perf', `Throughput and cost per access · ${variant.name}`, perfHost));
  let sweepHost: HTMLElement | null = null;
  const heatHosts: { index: number; choice: HeatMapChoice; host: HTMLElement; legend: HTMLCanvasElement }[] = [];
  if (r.sweeps.length) {
    const metrics = sweepMetrics(r);
    const metric = selections.sweepMetric && metrics.includes(selections.sweepMetric) ? selections.sweepMetric : metrics[0];
    sweepHost = h('div', { class: 'charts' });
    const heatParts = productSweeps(r).map((index) => {
      const part = heatMapControls(index);
      heatHosts.push(part);
      return h('div', { class: 'heatmap-block', 'data-sweep': String(index) }, part.toolbar, part.host, part.legendRow);
    });
    nodes.push(
      section(
        'sweeps',
        'Sweep',
        h('div', { class: 'toolbar' }, select('Metric', 'sweep-metric', metrics, metric, (m) => {
          selections = { ...selections, sweepMetric: m };
          saveState();
          render();
        })),
        ...heatParts,
        sweepHost,
      ),
    );
    selections.sweepMetric = metric;
  }
  app.replaceChildren(...nodes);
  fitSummary(tableHost, summaryRow);

  // Charts need their containers in the document to measure.
  for (const rc of residencyCharts(areas, !!selections.splitByWorkload)) {
    const div = h('div', { class: 'chart residency', 'data-node': String(rc.node) });
    residencyHost.append(div);
    const overlay = areas !== variant ? overlayLines(pair!, rc.node) : [];
    if (overlay.length) div.dataset.kernelLines = String(overlay.length);
    charts.push(residencyPlot(div, rc, palette, width, xRange, overlay));
  }
  if (tl.lanes.length) {
    const tlDiv = h('div', { class: 'chart timeline', 'data-lanes': tl.lanes.map((l) => l.key).join(' ') });
    timelineHost.append(tlDiv);
    charts.push(timelinePlot(tlDiv, tl, palette, width, xRange));
  }
  if (cg) {
    const div = h('div', { class: 'chart cgroups' });
    cgroupHost.append(div);
    charts.push(cgroupPlot(div, cg, palette, width, xRange));
  }
  for (const hh of heatHosts) {
    const map = heatMap(r, hh.index, selections.sweepMetric!, hh.choice);
    if (!map) continue;
    const div = h('div', { class: 'chart heatmap', 'data-x': map.xKnob, 'data-y': map.yKnob, 'data-fixed': map.fixed.map((f) => `${f.knob}=${f.value}`).join(' ') });
    // The cells' values and variants, for tests and the curious, row by row from the bottom.
    div.dataset.values = JSON.stringify(map.values);
    div.dataset.variants = JSON.stringify(map.variants);
    hh.host.append(div);
    charts.push(heatmapPlot(div, map, palette, width, (v) => {
      selections = { ...selections, variant: v };
      saveState();
      render();
    }));
    drawLegend(hh.legend, map.min, map.max, map.metric);
  }
  if (perf) {
    for (const which of ['throughput', 'cost'] as const) {
      const div = h('div', { class: `chart perf ${which}`, 'data-workloads': perf.series.map((s) => s.name).join(' ') });
      perfHost.append(div);
      charts.push(perfPlot(div, perf, which, palette, width, xRange));
    }
  }
  if (sweepHost) {
    r.sweeps.forEach((_s, i) => {
      const sc = sweepChart(r, i, selections.sweepMetric!);
      if (!sc || sc.x.length === 0) return;
      const div = h('div', { class: 'chart sweep' });
      sweepHost!.append(div);
      charts.push(sweepPlot(div, sc, palette, width));
    });
  }
  // uPlot draws on creation; report once the frame is on screen.
  requestAnimationFrame(() => {
    const ms = performance.now() - t0;
    document.body.dataset.rendered = String(charts.length);
    document.body.dataset.renderMs = ms.toFixed(1);
    vscode.postMessage({ type: 'rendered', charts: charts.length, ms });
  });
}

/** The selectors of a product sweep's heat map: which knob goes across and which up, and the
 *  value each other knob is held at. Choices are kept by knob name and value, so they survive a
 *  re-run that reorders nothing and fall back to the first two knobs otherwise. */
function heatMapControls(index: number) {
  const sweep = model!.result.sweeps[index];
  const axes = sweep.axes!;
  const knobs = axes.map((a) => a.knob);
  const fixedWanted = new Map((selections.heatFixed ?? []).map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
  const choice = normalizeChoice(sweep, {
    x: selections.heatX ? knobs.indexOf(selections.heatX) : undefined,
    y: selections.heatY ? knobs.indexOf(selections.heatY) : undefined,
    fixed: axes.map((a) => a.values.map(String).indexOf(fixedWanted.get(a.knob) ?? '')),
  });
  const keep = (next: HeatMapChoice) => {
    const c = normalizeChoice(sweep, next);
    selections = {
      ...selections,
      heatX: knobs[c.x],
      heatY: knobs[c.y],
      heatFixed: axes.map((a, j) => `${a.knob}=${String(a.values[c.fixed[j]])}`),
    };
    saveState();
    render();
  };
  const toolbar = h('div', { class: 'toolbar heatmap-controls' },
    select('Across', `heat-x-${index}`, knobs, knobs[choice.x], (k) => {
      const x = knobs.indexOf(k);
      // Choosing the knob that is up swaps the two.
      keep({ ...choice, x, y: x === choice.y ? choice.x : choice.y });
    }),
    select('Up', `heat-y-${index}`, knobs, knobs[choice.y], (k) => {
      const y = knobs.indexOf(k);
      keep({ ...choice, y, x: y === choice.x ? choice.y : choice.x });
    }),
    ...axes.flatMap((a, j) => (j === choice.x || j === choice.y ? [] : [
      select(`${a.knob} at`, `heat-fixed-${index}-${j}`, a.values.map(String), String(a.values[choice.fixed[j]]), (v) => {
        const fixed = [...choice.fixed];
        fixed[j] = a.values.map(String).indexOf(v);
        keep({ ...choice, fixed });
      }),
    ])),
  );
  const legend = h('canvas', { class: 'heat-legend', width: '160', height: '10', 'aria-hidden': 'true' });
  const legendRow = h('div', { class: 'heat-legend-row' }, h('span', { class: 'heat-min' }), legend, h('span', { class: 'heat-max' }));
  return { index, choice, toolbar, host: h('div', { class: 'charts' }), legend, legendRow };
}

/** The colour ramp of the heat map with its lowest and highest values either side. */
function drawLegend(canvas: HTMLCanvasElement, min: number, max: number, metric: string): void {
  const ctx = canvas.getContext('2d');
  if (ctx) {
    for (let i = 0; i < canvas.width; i++) {
      ctx.fillStyle = heatColor(palette, i / (canvas.width - 1));
      ctx.fillRect(i, 0, 1, canvas.height);
    }
  }
  const fmt = (v: number) => (metric === 'remote_access_ratio' ? `${(v * 100).toFixed(1)}%` : String(+v.toPrecision(4)));
  const row = canvas.parentElement!;
  row.querySelector('.heat-min')!.textContent = `${metric} ${fmt(min)}`;
  row.querySelector('.heat-max')!.textContent = fmt(max);
}

function fitSummary(host: HTMLElement, row: HTMLElement): void {
  summaryHost = host;
  summaryWidth = row.clientWidth;
  fitSummaryTable(host, summaryWidth);
}

/** The colour of each kind drawn (only kinds the variant has), and how to read the lanes. */
function legendForLanes(tl: Timeline): HTMLElement {
  const box = h('div', { class: 'lane-legend' });
  if (!tl.lanes.length) return box;
  for (const kind of shownKinds(tl)) {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = laneColor(kind, palette);
    box.append(h('span', { class: 'item', 'data-kind': kind }, sw, KIND_LABEL[kind]));
  }
  box.append(h('span', { class: 'hint' }, 'One strip per node inside each lane (top: lowest node id). Hover for details; drag to zoom, double-click to reset.'));
  return box;
}

function timelineNoteList(v: VariantResult, tl: Timeline): HTMLElement {
  const box = h('div', { class: 'timeline-notes' });
  for (const text of timelineNotes(v, tl)) box.append(h('p', {}, text));
  return box;
}

/** Draws every chart canvas, with its title, onto one PNG. */
function chartsPng(): string {
  const pad = 12;
  const titleH = 22;
  const ratio = window.devicePixelRatio || 1;
  const canvases = charts.map((c) => ({ c, canvas: c.container.querySelector('canvas') as HTMLCanvasElement | null })).filter((x) => x.canvas);
  const w = Math.max(...canvases.map((x) => x.canvas!.width)) + 2 * pad * ratio;
  const hgt = canvases.reduce((s, x) => s + x.canvas!.height + (titleH + pad) * ratio, pad * ratio);
  const out = document.createElement('canvas');
  out.width = w;
  out.height = hgt;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, w, hgt);
  let y = pad * ratio;
  for (const { c, canvas } of canvases) {
    ctx.fillStyle = palette.foreground;
    ctx.font = `${13 * ratio}px sans-serif`;
    ctx.fillText(c.title, pad * ratio, y + 15 * ratio);
    y += titleH * ratio;
    ctx.drawImage(canvas!, pad * ratio, y);
    y += canvas!.height + pad * ratio;
  }
  return out.toDataURL('image/png');
}

function exportFiles(formats: ExportFormat[]): void {
  if (!model) return;
  // The extension names the files and picks the folder; the PNG says which variant it shows.
  const png = formats.includes('png') ? { variant: currentVariant()?.name ?? '', dataUrl: chartsPng() } : undefined;
  vscode.postMessage({ type: 'export', formats, png });
}

function upsertVariant(v: VariantResult): void {
  if (!model) return;
  upsertInRunOrder(model.result.variants, v, model.live?.variants ?? []);
}

/** The error state: whatever failed while drawing, the panel says so (and tells the extension's
 *  log) instead of staying blank or half drawn. */
function showError(e: unknown): void {
  const text = `The panel could not draw this result: ${e instanceof Error ? e.message : String(e)}`;
  for (const c of charts) {
    try {
      c.plot.destroy();
    } catch {
      // a chart that failed half-way may not destroy cleanly; it is dropped either way
    }
  }
  charts = [];
  app.replaceChildren(h('h1', {}, model?.title || 'NUMA Lab results'), h('div', { id: 'status', class: 'status' }, h('div', { class: 'notice error', role: 'alert' }, text)));
  vscode.postMessage({ type: 'error', message: text.slice(0, 4000) });
}

function onMessage(msg: ToWebview): void {
  try {
    handle(msg);
  } catch (e) {
    showError(e);
  }
}

function handle(msg: ToWebview): void {
  switch (msg.type) {
    case 'init':
      model = msg.model;
      if (msg.selections) selections = { ...selections, ...msg.selections };
      // A run that has produced nothing yet follows the running variant: a variant picked in an
      // earlier run would otherwise pin the charts and the picker once it came round again.
      if (model.live?.running && !model.result.variants.length) selections = { ...selections, variant: undefined };
      notice = null;
      saveState();
      render();
      break;
    case 'partial':
      upsertVariant(msg.variant);
      if (model?.live && msg.progress) model.live.progress = msg.progress;
      render();
      break;
    case 'progress':
      if (model?.live) {
        // The status line alone, unless the running variant the charts follow changed.
        const shown = currentVariant()?.name;
        model.live.progress = msg.progress;
        if (currentVariant()?.name !== shown) render();
        else document.getElementById('status')?.replaceWith(statusLine());
      }
      break;
    case 'done':
      if (!model) return;
      model.result = msg.result;
      model.resultPaths = [msg.resultPath];
      model.live = undefined;
      saveState();
      render();
      break;
    case 'failed':
      if (model) model.live = { ...(model.live ?? { variants: [] }), running: false, error: msg.message };
      render();
      break;
    case 'cancelled':
      if (model) model.live = { ...(model.live ?? { variants: [] }), running: false, cancelled: true };
      render();
      break;
    case 'exported':
      notice = { kind: 'info', text: `Exported ${msg.paths.length} file(s): ${msg.paths.join(', ')}` };
      document.getElementById('status')?.replaceWith(statusLine());
      break;
    case 'requestExport':
      exportFiles(msg.formats);
      break;
  }
}

window.addEventListener('message', (e: MessageEvent) => onMessage(e.data as ToWebview));
window.addEventListener('error', (e) => vscode.postMessage({ type: 'error', message: String(e.message) }));

let resizeQueued = false;
new ResizeObserver(() => {
  if (resizeQueued) return;
  resizeQueued = true;
  requestAnimationFrame(() => {
    resizeQueued = false;
    const w = chartWidth();
    for (const c of charts) if (Math.abs(c.plot.width - w) > 2) c.plot.setSize({ width: w, height: c.plot.height });
    const row = summaryHost?.isConnected ? summaryHost.parentElement : null;
    if (row && row.clientWidth !== summaryWidth) fitSummary(summaryHost!, row);
  });
}).observe(app);

let themeRedraws = 0;
watchTheme(() => {
  palette = readPalette();
  render();
  document.body.dataset.themeRedraws = String(++themeRedraws);
});

render();
vscode.postMessage({ type: 'ready' });
