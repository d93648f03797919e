// The outline (document symbols) and the places the panels put Run lenses.

import type * as A from '../ast';
import type { Compilation } from '../index';
import type { CodeLensTarget, DocumentSymbol, SymbolKindName } from './types';

const sp = (s: A.Span): A.Span => ({ start: s.start, end: s.end });

function sym(name: string, kind: SymbolKindName, span: A.Span, selection: A.Span, detail = '', children: DocumentSymbol[] = []): DocumentSymbol {
  return { name, detail, kind, span: sp(span), selectionSpan: sp(selection), children };
}

function settingsDetail(settings: A.Setting[], text: string): string {
  return settings.map((s) => text.slice(s.start, s.end).replace(/\s+/g, ' ')).join(', ');
}

export function documentSymbols(c: Compilation): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const text = c.text;
  for (const item of c.file.items) {
    switch (item.kind) {
      case 'scenario':
        out.push(sym(item.title || 'scenario', 'scenario', item, item.keyword, 'scenario'));
        break;
      case 'machine': {
        const children: DocumentSymbol[] = [];
        for (const n of item.nodes) if (n.id) children.push(sym(`node ${n.id.number}`, 'node', n, n.id, settingsDetail(n.settings, text)));
        for (const m of item.matrices) children.push(sym(m.name.text, 'matrix', m, m.name));
        if (item.swap) children.push(sym('swap', 'swap', item.swap, item.swap.keyword, settingsDetail(item.swap.settings, text)));
        out.push(sym(item.preset ? `machine preset ${item.preset.text}` : 'machine', 'machine', item, item.preset ?? item.keyword, '', children));
        break;
      }
      case 'settings': {
        const kind = item.keyword.text as SymbolKindName;
        const children = item.settings.map((s) => sym(s.name.text, kind, s, s.name, s.value ? text.slice(s.value.start, s.value.end) : ''));
        out.push(sym(item.keyword.text, kind, item, item.keyword, '', children));
        break;
      }
      case 'cgroup':
        if (item.name) out.push(sym(item.name.text, 'cgroup', item, item.name, settingsDetail(item.settings, text)));
        break;
      case 'workload': {
        if (!item.name) break;
        const phases = item.phases.map((p) => sym(text.slice(p.start, p.end).replace(/\s+/g, ' '), 'phase', p, p.action?.span ?? p));
        out.push(sym(item.name.text, 'workload', item, item.name, settingsDetail(item.settings, text), phases));
        break;
      }
      case 'variant': {
        if (!item.name) break;
        const children = item.blocks.map((b) => sym(`${b.target}${b.name ? ' ' + b.name.text : ''}`, 'override', b, b.name ?? b.keyword, settingsDetail(b.settings, text)));
        out.push(sym(item.name.text, 'variant', item, item.name, settingsDetail(item.settings, text), children));
        break;
      }
      case 'sweep': {
        // A product lists its knobs in the name and each knob's values in the detail.
        // (The item's own span runs to the end of the product; its first knob ends where the first x starts.)
        const axes = [{ knob: item.knob, end: item.cross[0]?.op.start ?? item.end }, ...item.cross];
        const detail = axes.map((a) => text.slice((a.knob ?? item.keyword).end, a.end).replace(/^\s*=\s*/, '').replace(/\s+/g, ' ').trim()).join(' x ');
        out.push(sym(`sweep ${sweptKnobs(item)}`.trim(), 'sweep', item, item.knob ?? item.keyword, detail));
        break;
      }
      case 'expect':
        out.push(sym(text.slice(item.start, item.end).replace(/\s+/g, ' '), 'expect', item, item.keyword));
        break;
    }
  }
  return out;
}

/** A sweep's knobs as written: `a`, or `a x b x c` for a product. */
function sweptKnobs(item: A.SweepItem): string {
  return [item.knob, ...item.cross.map((c) => c.knob)].flatMap((k) => (k ? [k.text] : [])).join(' x ');
}

/** Where Run (scenario), Run variant and Run sweep lenses go. */
export function codeLensTargets(c: Compilation): CodeLensTarget[] {
  const out: CodeLensTarget[] = [];
  for (const item of c.file.items) {
    if (item.kind === 'scenario') out.push({ kind: 'scenario', name: item.title ?? '', span: sp(item) });
    else if (item.kind === 'variant' && item.name) out.push({ kind: 'variant', name: item.name.text, span: sp(item) });
    else if (item.kind === 'sweep' && item.knob) out.push({ kind: 'sweep', name: sweptKnobs(item), span: sp(item) });
  }
  // A file without a `scenario` line is still runnable: put the lens on the first item.
  if (!out.some((t) => t.kind === 'scenario') && c.file.items.length > 0) {
    const first = c.file.items[0];
    out.unshift({ kind: 'scenario', name: '', span: sp(first) });
  }
  return out;
}
