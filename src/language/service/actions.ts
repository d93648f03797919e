// Quick fixes: the diagnostics' own fixes ("did you mean", missing units, insert '}'), plus a
// few that add what is missing (a machine, a variant or cgroup named but never declared).

import type { Span } from '../ast';
import type { Diagnostic } from '../diagnostics';
import type { Compilation } from '../index';
import type { CodeAction } from './types';

const overlaps = (d: Span, s: Span) => d.start <= s.end && s.start <= d.end;

export function codeActions(c: Compilation, span: Span): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of c.diagnostics) {
    if (!overlaps(d, span)) continue;
    const diagnostic = { start: d.start, end: d.end, message: d.message, code: d.code };
    d.fixes.forEach((f, i) => out.push({
      title: f.title, kind: 'quickfix', edits: [{ span: { start: f.span.start, end: f.span.end }, newText: f.newText }], diagnostic, isPreferred: i === 0,
    }));
    for (const extra of additions(c, d)) out.push({ ...extra, diagnostic });
  }
  return out;
}

function additions(c: Compilation, d: Diagnostic): Omit<CodeAction, 'diagnostic'>[] {
  const name = c.text.slice(d.start, d.end);
  const end = c.text.length;
  const sep = c.text.endsWith('\n') || end === 0 ? '\n' : '\n\n';
  const append = (title: string, block: string): Omit<CodeAction, 'diagnostic'> =>
    ({ title, kind: 'quickfix', edits: [{ span: { start: end, end }, newText: `${sep}${block}\n` }], isPreferred: false });
  if (d.code === 'missing-machine' && d.fixes.length === 0) {
    return [{ title: 'Add a two-socket machine', kind: 'quickfix', edits: [{ span: { start: 0, end: 0 }, newText: 'machine preset two-socket\n\n' }], isPreferred: true }];
  }
  if (!/^[A-Za-z_][A-Za-z0-9_+-]*$/.test(name)) return [];
  if (d.code === 'unknown-variant') return [append(`Add variant '${name}'`, `variant ${name} {\n}`)];
  if (d.code === 'unknown-cgroup') return [append(`Add cgroup '${name}'`, `cgroup ${name} {\n  memory.max = max\n}`)];
  if (d.code === 'no-workload') {
    return [append('Add a workload', 'workload app {\n  node = 0\n  at 0 s  alloc heap 1 GiB\n  at 0 s  access heap uniform rate 10M/s\n}')];
  }
  return [];
}
