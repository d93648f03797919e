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

export function renderSummaryTable(host: HTMLElement, t: SummaryTable, selected: string | undefined, onPick: (variant: string) => void): void {
  const table = el('table', 'summary');
  table.id = 'summary-table';
  const head = el('tr');
  head.append(el('th', 'variant', 'variant'));
  for (const c of t.columns) {
    const th = el('th', 'num', c.label);
    th.title = c.key;
    head.append(th);
  }
  head.append(el('th', 'num', 'expectations'));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const r of t.rows) {
    const tr = el('tr');
    tr.dataset.variant = r.variant;
    if (r.variant === selected) tr.classList.add('selected');
    const name = el('td', 'variant');
    const link = el('a', '', r.variant);
    link.href = '#';
    link.title = 'Show this variant in the charts';
    link.addEventListener('click', (e) => {
      e.preventDefault();
      onPick(r.variant);
    });
    name.append(link);
    if (r.isBaseline) name.append(el('span', 'badge', 'baseline'));
    tr.append(name);
    r.cells.forEach((cell, i) => {
      const col = t.columns[i];
      const td = el('td', 'num');
      td.dataset.key = col.key;
      td.dataset.value = String(cell.value);
      td.append(el('span', 'value', fmt(col, cell.value)));
      if (cell.delta !== null && cell.delta !== 0) {
        const d = el('span', `delta ${cell.verdict ?? ''}`, formatDelta(cell.delta, cell.deltaRatio, (v) => fmt(col, v)));
        td.append(d);
      }
      tr.append(td);
    });
    const ex = el('td', 'num');
    ex.dataset.key = 'expectations';
    ex.dataset.value = `${r.expectationsPassed}/${r.expectationsTotal}`;
    ex.textContent = r.expectationsTotal ? `${r.expectationsPassed}/${r.expectationsTotal}` : '–';
    if (r.expectationsTotal && r.expectationsPassed < r.expectationsTotal) ex.classList.add('worse');
    tr.append(ex);
    body.append(tr);
  }
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
