// Go to definition, find references and rename for nodes, workloads, cgroups, variants and
// regions (regions are scoped to their workload).

import type { Span } from '../ast';
import type { Compilation } from '../index';
import { ACTIONS, PATTERNS, TOP_KEYWORDS } from '../parser';
import { allSymbols, sameSymbol, symbolAt } from './symbols';
import type { TextEdit } from './types';

export function definition(c: Compilation, offset: number): Span | null {
  const sym = symbolAt(c, offset);
  if (!sym) return null;
  const def = allSymbols(c).find((s) => s.definition && sameSymbol(s, sym));
  return def ? { start: def.start, end: def.end } : null;
}

export function references(c: Compilation, offset: number, includeDeclaration: boolean): Span[] {
  const sym = symbolAt(c, offset);
  if (!sym) return [];
  return allSymbols(c)
    .filter((s) => sameSymbol(s, sym) && (includeDeclaration || !s.definition))
    .map((s) => ({ start: s.start, end: s.end }));
}

export function prepareRename(c: Compilation, offset: number): { span: Span; placeholder: string } | null {
  const sym = symbolAt(c, offset);
  if (!sym || sym.kind === 'node') return null;
  if (!allSymbols(c).some((s) => s.definition && sameSymbol(s, sym))) return null;
  return { span: { start: sym.start, end: sym.end }, placeholder: sym.name };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_+-]*$/;
const RESERVED = new Set([...TOP_KEYWORDS, ...ACTIONS, ...PATTERNS, 'at', 'after', 'mbind', 'accesses', 'passes', 'file', 'preset', 'node', 'base', 'max', 'none', 'to', 'step', 'rate', 'writes', 'for', 'per', 'from', 'hot', 'centered', 'moves', 'every', 'MADV_HUGEPAGE', 'swap', 'distance', 'access_latency_ns']);

export function rename(c: Compilation, offset: number, newName: string): { edits: TextEdit[] } | { error: string } {
  const sym = symbolAt(c, offset);
  if (!sym) return { error: 'nothing to rename here: place the cursor on a workload, cgroup, variant or region name' };
  if (sym.kind === 'node') return { error: 'nodes are numbered from 0 without gaps and cannot be renamed' };
  const all = allSymbols(c);
  if (!all.some((s) => s.definition && sameSymbol(s, sym))) return { error: `'${sym.name}' is not defined in this file` };
  if (!IDENT.test(newName) || /[-+]$/.test(newName)) return { error: `'${newName}' is not a valid name: use letters, digits, '_', '-' and '+', starting with a letter or '_'` };
  if (RESERVED.has(newName)) return { error: `'${newName}' is a keyword of the language; choose another name` };
  if (newName === sym.name) return { edits: [] };
  const clash = all.find((s) => s.definition && s.kind === sym.kind && s.name === newName && (sym.kind !== 'region' || s.scope === sym.scope));
  if (clash) return { error: `a ${sym.kind} named '${newName}' already exists` };
  const edits = all.filter((s) => sameSymbol(s, sym)).map((s) => ({ span: { start: s.start, end: s.end }, newText: newName }));
  return { edits };
}
