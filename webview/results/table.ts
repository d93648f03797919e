// The summary table and the expectations list, as DOM built from the pure table model.

import type { SummaryTable, ExpectationLine, Column, Row } from './transforms/summary';
import { trimNumber, formatPercent, formatDelta, formatFixed } from './transforms/format';

function fmt(col: Column, v: number): string {
  if (col.kind === 'ratio') return formatPercent(v);
  if (col.kind === 'ns') return formatFixed(v, 1);
  return trimNumber(v);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** One column per variant (a run has a few variants and many counters, so this stays narrow),
 *  one row per metric; each cell carries its raw value in data-value for export and tests.
 *  When the columns do not fit the panel (six variants in a panel docked beside the editor),
 *  the variants wrap onto further tables below, each with the metric names again: every number
 *  stays in view without scrolling sideways. Call fitSummaryTable once the host is in the page. */
export function renderSummaryTable(host: HTMLElement, t: SummaryTable, selected: string | undefined, onPick: (variant: string) => void): void {
  const box = el('div', 'summary-tables');
  box.id = 'summary-table';
  const draw = (perTable: number): void => {
    const groups: Row[][] = [];
    for (let i = 0; i < t.rows.length; i += perTable) groups.push(t.rows.slice(i, i + perTable));
    box.replaceChildren(...groups.map((rows) => variantTable(t, rows, selected, onPick)));
    box.dataset.perTable = String(perTable);
  };
  draw(Math.max(1, t.rows.length));
  drawers.set(box, { draw, variants: t.rows.length });
  host.replaceChildren(box);
}

const drawers = new WeakMap<HTMLElement, { draw: (perTable: number) => void; variants: number }>();

/** Wraps the summary's variant columns into as few tables as fit `width`, down to one variant
 *  per table (which may still scroll, with the metric names kept in view). Measures, so `host`
 *  must be in the document. */
export function fitSummaryTable(host: HTMLElement, width: number): void {
  const box = host.querySelector<HTMLElement>('#summary-table');
  const d = box && drawers.get(box);
  if (!box || !d) return;
  d.draw(d.variants);
  const one = box.querySelector('table');
  if (!one || one.scrollWidth <= width) return;
  // Squeezed into one table, each column is at its narrowest: fit as many of the widest as the
  // width takes beside the metric names, then check (a live run redraws twice a second, so
  // measure once rather than trying every count).
  const cells = [...one.tHead!.rows[0].cells].map((c) => c.getBoundingClientRect().width);
  const [metric, ...columns] = cells;
  let per = Math.max(1, Math.min(d.variants, Math.floor((width - metric) / Math.max(1, ...columns))));
  d.draw(per);
  while (per > 1 && Math.max(...[...box.querySelectorAll('table')].map((tb) => tb.scrollWidth)) > width) d.draw(--per);
}

/** A variant name with line-break chances after - _ = . and , (vm.min_unmapped_ratio=10 wraps
 *  as vm.min_ / unmapped_ / ratio=10), so a long name does not widen its column. */
function breakable(name: string): Node[] {
  return name.split(/(?<=[-_=.,])/).flatMap((part, i) => (i ? [document.createElement('wbr'), document.createTextNode(part)] : [document.createTextNode(part)]));
}

function variantTable(t: SummaryTable, rows: Row[], selected: string | undefined, onPick: (variant: string) => void): HTMLTableElement {
  const table = el('table', 'summary');
  const head = el('tr');
  head.append(el('th', 'metric', 'metric'));
  for (const r of rows) {
    const th = el('th', 'num variant');
    th.dataset.variant = r.variant;
    if (r.variant === selected) th.classList.add('selected');
    const link = el('a', '');
    link.append(...breakable(r.variant));
    link.href = '#';
    link.title = 'Show this variant in the charts';
    link.addEventListener('click', (e) => {
      e.preventDefault();
      onPick(r.variant);
    });
    th.append(link);
    if (r.kernel) {
      const k = el('span', 'kernel', ` ${r.kernel}${r.overrides.length ? '*' : ''}`);
      k.title = `simulated Linux ${r.kernel}${r.overrides.length ? `, changed: ${r.overrides.join('; ')}` : ''}`;
      th.append(k);
    }
    if (r.isBaseline) th.append(el('span', 'badge', 'baseline'));
    head.append(th);
  }
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  t.columns.forEach((col, i) => {
    const tr = el('tr');
    tr.dataset.key = col.key;
    const name = el('th', 'metric', col.label);
    name.title = col.key;
    tr.append(name);
    for (const r of rows) {
      const cell = r.cells[i];
      const td = el('td', 'num');
      td.dataset.variant = r.variant;
      td.dataset.key = col.key;
      td.dataset.value = String(cell.value);
      if (r.variant === selected) td.classList.add('selected');
      td.append(el('span', 'value', cell.absent ? '—' : fmt(col, cell.value)));
      if (cell.absent) td.title = `not in /proc/vmstat of ${r.kernel}`;
      if (cell.delta !== null && cell.delta !== 0) {
        td.append(el('span', `delta ${cell.verdict ?? ''}`, formatDelta(cell.delta, cell.deltaRatio, (v) => fmt(col, v))));
      }
      tr.append(td);
    }
    body.append(tr);
  });
  const ex = el('tr');
  ex.dataset.key = 'expectations';
  ex.append(el('th', 'metric', 'expectations passed'));
  for (const r of rows) {
    const td = el('td', 'num');
    td.dataset.variant = r.variant;
    td.dataset.key = 'expectations';
    td.dataset.value = `${r.expectationsPassed}/${r.expectationsTotal}`;
    td.textContent = r.expectationsTotal ? `${r.expectationsPassed}/${r.expectationsTotal}` : '–';
    if (r.expectationsTotal && r.expectationsPassed < r.expectationsTotal) td.classList.add('worse');
    if (r.variant === selected) td.classList.add('selected');
    ex.append(td);
  }
  body.append(ex);
  table.append(body);
  return table;
}

export function renderExpectations(host: HTMLElement, lines: ExpectationLine[]): void {
  if (!lines.length) {
    host.replaceChildren();
    return;
  }
  const ul = el('ul', 'expectations');
  for (const l of lines) {
    const li = el('li', l.passed ? 'pass' : 'fail');
    li.append(el('span', 'mark', l.passed ? '✓' : '✗'), el('code', '', l.text));
    if (l.detail) li.append(el('span', 'detail', l.detail));
    ul.append(li);
  }
  host.replaceChildren(ul);
}
