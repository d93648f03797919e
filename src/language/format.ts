// The formatter: canonical layout from the tokens. Two-space indentation per brace, one block
// entry per line, `name = value`, comments kept where they were, at most one blank line in a row.
// It refuses (returns the text unchanged) when the file has syntax errors, and it checks its own
// output: if the tokens or the parse would change, the original text comes back.

import type * as A from './ast';
import { Token, tokenize } from './lexer';
import { parse } from './parser';

export function format(text: string): string {
  const parsed = parse(text);
  if (parsed.diagnostics.length > 0) return text;
  const out = layout(text, parsed.file);
  if (out === text) return text;
  // Safety net: the same tokens in the same order, and still free of syntax errors.
  const again = parse(out);
  if (again.diagnostics.length > 0 || !sameTokens(tokenize(text), tokenize(out))) return text;
  return out;
}

function sameTokens(a: Token[], b: Token[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].kind !== b[i].kind || a[i].text !== b[i].text) return false;
  return true;
}

/** Offsets where a block entry or a top-level item starts: each begins a line. */
function entryStarts(file: A.FileNode): Set<number> {
  const s = new Set<number>();
  const settings = (xs: A.Setting[]) => xs.forEach((x) => s.add(x.start));
  for (const item of file.items) {
    s.add(item.start);
    switch (item.kind) {
      case 'machine':
        item.nodes.forEach((n) => { s.add(n.start); settings(n.settings); });
        item.matrices.forEach((m) => { s.add(m.start); m.rows.forEach((r) => s.add(r.start)); });
        if (item.swap) { s.add(item.swap.start); settings(item.swap.settings); }
        settings(item.settings);
        break;
      case 'settings': case 'cgroup': settings(item.settings); break;
      case 'workload': settings(item.settings); item.phases.forEach((p) => s.add(p.start)); break;
      case 'variant': settings(item.settings); item.blocks.forEach((b) => { s.add(b.start); settings(b.settings); }); break;
    }
  }
  return s;
}

interface Piece { start: number; end: number; text: string; token: Token | null }

function layout(text: string, file: A.FileNode): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
  const starts = entryStarts(file);
  // A sweep's `x KNOB = ...` factors on their own lines are indented under the sweep.
  const crossOps = new Set(file.items.flatMap((i) => (i.kind === 'sweep' ? i.cross.map((c) => c.op.start) : [])));
  const pieces: Piece[] = [];
  for (const t of tokenize(text)) if (t.kind !== 'eof') pieces.push({ start: t.start, end: t.end, text: t.text, token: t });
  for (const cm of file.comments) pieces.push({ start: cm.start, end: cm.end, text: text.slice(cm.start, cm.end).trimEnd(), token: null });
  pieces.sort((a, b) => a.start - b.start);

  let out = bom;
  let depth = 0;
  let parens = 0;
  let prev: Piece | null = null;
  for (const p of pieces) {
    const gap = text.slice(prev ? prev.end : 0, p.start);
    const newlines = (gap.match(/\n/g) ?? []).length;
    const t = p.token;
    const forced = !!t && prev !== null && (starts.has(p.start) || t.text === '}' && t.kind === 'punct' || (prev.token?.kind === 'punct' && prev.token.text === '{'));
    if (prev === null) {
      out += ' '.repeat(2 * (t && t.text === '}' ? Math.max(0, depth - 1) : depth));
    } else if (newlines > 0 || forced) {
      out += eol;
      if (newlines > 1) out += eol;
      const closing = t?.kind === 'punct' && t.text === '}';
      out += ' '.repeat(2 * Math.max(0, closing ? depth - 1 : depth) + (crossOps.has(p.start) ? 4 : 0));
    } else if (!t) {
      out += '  '; // a comment after code on the same line
    } else {
      out += space(prev.token!, t, parens > 0);
    }
    out += p.text;
    if (t?.kind === 'punct') {
      if (t.text === '{') depth++;
      else if (t.text === '}') depth = Math.max(0, depth - 1);
      else if (t.text === '(') parens++;
      else if (t.text === ')') parens = Math.max(0, parens - 1);
    }
    prev = p;
  }
  return out.length > bom.length ? out + eol : out;
}

const UNIT = /^(B|KiB|MiB|GiB|TiB|kB|MB|GB|TB|ns|us|ms|s|min)$/;

/** The space between two tokens on one line. */
function space(a: Token, b: Token, inParens: boolean): string {
  const pa = a.kind === 'punct' ? a.text : '';
  const pb = b.kind === 'punct' ? b.text : '';
  if (pb === ',' || pb === ')' || pb === ']' || pb === '%') return '';
  if (pa === '(' || pa === '[') return '';
  if (pb === '(' && a.kind === 'ident') return '';
  if (pb === '.' || pa === '.') return '';
  if (pb === '/' || pa === '/') return '';
  if (pb === ':') return '';
  if (pa === ':') return inParens ? '' : ' ';
  if ((pb === '-' && a.kind === 'number') || (pa === '-' && b.kind === 'number')) return '';
  // A release candidate: `version = 5.3-rc5`.
  if (pa === '-' && b.kind === 'ident' && /^rc\d+$/.test(b.text)) return '';
  if (a.kind === 'number' && b.kind === 'ident' && UNIT.test(b.text)) return ' ';
  return ' ';
}
