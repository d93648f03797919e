// The symbol table as the service sees it: the checker's symbols, deduplicated (the checker
// resolves each variant and may record a reference more than once), plus workload and cgroup
// names inside expectation metrics (`zrm-on.workload.app.avg_access_ns`).

import type { SymbolKind, SymbolRef } from '../checker';
import type { Compilation } from '../index';
import { PRESETS } from '../presets';

const cache = new WeakMap<Compilation, SymbolRef[]>();

export function allSymbols(c: Compilation): SymbolRef[] {
  let out = cache.get(c);
  if (out) return out;
  const seen = new Set<string>();
  out = [];
  const add = (s: SymbolRef) => {
    const key = `${s.start}:${s.end}:${s.kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    out!.push(s);
  };
  for (const s of c.symbols) add(s);
  for (const item of c.file.items) {
    if (item.kind !== 'expect') continue;
    for (const o of [item.left, item.right]) {
      if (!o || o.kind !== 'metric') continue;
      const m = /^(workload|cgroup)\.([^.]+)\./.exec(o.metric.text);
      if (!m) continue;
      const start = o.metric.start + m[1].length + 1;
      add({ kind: m[1] as SymbolKind, name: m[2], start, end: start + m[2].length, definition: false });
    }
  }
  out.sort((a, b) => a.start - b.start);
  cache.set(c, out);
  return out;
}

export function symbolAt(c: Compilation, offset: number): SymbolRef | null {
  return allSymbols(c).find((s) => s.start <= offset && offset <= s.end) ?? null;
}

export function sameSymbol(a: SymbolRef, b: SymbolRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.kind !== 'region' || a.scope === b.scope);
}

/** Declared names of a kind, in file order, without duplicates. */
export function symbolNames(c: Compilation, kind: SymbolKind): string[] {
  return [...new Set(allSymbols(c).filter((s) => s.kind === kind && s.definition).map((s) => s.name))];
}

/** Node ids of the machine: the resolved machine's, else those written in the file. */
export function nodeIds(c: Compilation): number[] {
  const resolved = c.set?.variants[0]?.machine.nodes.map((n) => n.id);
  if (resolved) return resolved;
  const machine = c.file.items.find((i) => i.kind === 'machine');
  const preset = machine?.kind === 'machine' && machine.preset ? PRESETS[machine.preset.text] : undefined;
  if (preset) return preset.nodes.map((_, i) => i);
  return [...new Set(symbolNames(c, 'node').map(Number))].sort((a, b) => a - b);
}

/** Regions (anonymous and files) of one workload. */
export function regionsOf(c: Compilation, workload: string): string[] {
  return [...new Set(allSymbols(c).filter((s) => s.kind === 'region' && s.scope === workload && s.definition).map((s) => s.name))];
}
