// The "Run time per workload" section: for every variant, when its run ended, which workloads
// did not finish, and each workload's run time with its time split as a stacked bar and in ms.
// Cells carry their raw values (data-ms) for export and tests.

import type { Palette } from './theme';
import { TIME_PARTS, type TimePart, type VariantTimes } from './transforms/workloads';
import { formatSimTime } from './transforms/format';

export const PART_LABEL: Record<TimePart, string> = {
  compute: 'compute',
  memory: 'memory latency',
  fault: 'faults',
  reclaim: 'reclaim',
  compaction: 'compaction',
  swapin: 'swap-in',
  migration: 'NUMA migration',
};

export function partColor(part: TimePart, p: Palette): string {
  const colors: Record<TimePart, string> = {
    compute: p.green, memory: p.blue, fault: p.orange, reclaim: p.red, compaction: p.purple, swapin: p.yellow, migration: p.muted,
  };
  return colors[part];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function workloadTimesView(times: VariantTimes[], p: Palette, selected: string | undefined): HTMLElement {
  const box = el('div', 'workload-times');
  const legend = el('div', 'lane-legend time-legend');
  for (const part of TIME_PARTS) {
    const sw = el('span', 'swatch');
    sw.style.background = partColor(part, p);
    const item = el('span', 'item');
    item.dataset.part = part;
    item.append(sw, PART_LABEL[part]);
    legend.append(item);
  }
  const table = el('table', 'summary times');
  table.id = 'workload-times-table';
  const head = el('tr');
  for (const t of ['variant', 'workload', 'run time', 'where the time went', ...TIME_PARTS.map((k) => PART_LABEL[k])]) head.append(el('th', t === 'variant' || t === 'workload' || t === 'where the time went' ? '' : 'num', t));
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const v of times) {
    const rows = v.workloads.length ? v.workloads : [null];
    rows.forEach((w, i) => {
      const tr = el('tr');
      tr.dataset.variant = v.variant;
      if (v.variant === selected) tr.classList.add('selected');
      if (i === 0) {
        const th = el('th', 'variant');
        th.rowSpan = rows.length;
        th.append(el('div', '', v.variant));
        const end = el('div', 'end', `run ended at ${formatSimTime(v.endMs)}`);
        end.dataset.ms = String(v.endMs);
        th.append(end);
        const unf = el('div', v.unfinished.length ? 'unfinished' : 'end', v.unfinished.length ? `unfinished: ${v.unfinished.join(', ')}` : 'all work done');
        unf.dataset.unfinished = v.unfinished.join(' ');
        th.append(unf);
        tr.append(th);
      }
      if (!w) {
        tr.append(el('td', 'end', 'no workload did closed-loop work or stalled'));
        body.append(tr);
        return;
      }
      tr.dataset.workload = w.workload;
      tr.append(el('td', '', w.workload));
      const rt = el('td', w.runtimeMs === null ? 'num unfinished' : 'num', w.runtimeMs === null ? (w.unfinished ? 'did not finish' : '–') : formatSimTime(w.runtimeMs));
      rt.dataset.runtime = w.runtimeMs === null ? '' : String(w.runtimeMs);
      tr.append(rt);
      const barCell = el('td', 'bar-cell');
      const bar = el('div', 'time-bar');
      bar.title = TIME_PARTS.map((k) => `${PART_LABEL[k]} ${formatSimTime(w.parts[k])}`).join(' · ');
      for (const part of TIME_PARTS) {
        if (w.parts[part] <= 0 || w.totalMs <= 0) continue;
        const seg = el('span', 'seg');
        seg.dataset.part = part;
        seg.style.width = `${(100 * w.parts[part]) / w.totalMs}%`;
        seg.style.background = partColor(part, p);
        bar.append(seg);
      }
      barCell.append(bar);
      tr.append(barCell);
      for (const part of TIME_PARTS) {
        const td = el('td', 'num', w.parts[part] > 0 ? formatSimTime(w.parts[part]) : '0');
        td.dataset.part = part;
        td.dataset.ms = String(w.parts[part]);
        tr.append(td);
      }
      body.append(tr);
    });
  }
  const host = el('div', 'table-host');
  host.append(table);
  box.append(legend, host);
  return box;
}
