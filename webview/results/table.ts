// The summary table and the expectations list, as DOM built from the pure table model.

import type { SummaryTable, ExpectationLine, Column } from './transforms/summary';
import { trimNumber, formatPercent, formatDelta } from './transforms/format';

function fmt(col: Column, v: number): string {
  if (col.kind === 'ratio') return formatPercent(v);
  if (col.kind === 'ns') return v.toFixed(1);
  return trimNumber(v);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** One column per variant (a run has a few variants and many counters, so this stays narrow),
 *  one row per metric; each cell carries its raw value in data-value for export and tests. */
export function renderSummaryTable(host: HTMLElement, t: SummaryTable, selected: string | undefined, onPick: (variant: string) => void): void {
  const table = el('table', 'summary');
  table.id = 'summary-table';
  const head = el('tr');
  head.append(el('th', 'metric', 'metric'));
  for (const r of t.rows) {
    const th = el('th', 'num variant');
    th.dataset.variant = r.variant;
    if (r.variant === selected) th.classList.add('selected');
    const link = el('a', '', r.variant);
    link.href = '#';
    link.title = 'Show this variant in the charts';
    link.addEventListener('click', (e) => {
      e.preventDefault();
      onPick(r.variant);
    });
    th.append(link);
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
    for (const r of t.rows) {
      const cell = r.cells[i];
      const td = el('td', 'num');
      td.dataset.variant = r.variant;
      td.dataset.key = col.key;
      td.dataset.value = String(cell.value);
      if (r.variant === selected) td.classList.add('selected');
      td.append(el('span', 'value', fmt(col, cell.value)));
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
  for (const r of t.rows) {
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
  host.replaceChildren(table);
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
