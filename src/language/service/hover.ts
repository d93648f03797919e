// Hover: knobs from the schema, settings, keywords, quantities in base units, names with a
// summary of their definition, and metrics in expectations.

import type * as A from '../ast';
import { CGROUP_SETTINGS, NODE_SETTINGS, RUN_SETTINGS, SWAP_SETTINGS, WORKLOAD_SETTINGS, fmtBytes } from '../checker';
import type { Compilation } from '../index';
import type { Token } from '../lexer';
import { PRESETS } from '../presets';
import { knob as findKnob } from '../schema';
import { blocksAt, tokenAt, tokensOf } from './context';
import { CROSS_DOC, KEYWORD_DOCS, knobMarkdown, metricDoc, quantityMarkdown } from './docs';
import { allSymbols, symbolAt } from './symbols';
import type { Hover } from './types';

const SETTINGS_BY_BLOCK: Record<string, Record<string, string>> = {
  node: NODE_SETTINGS, swap: SWAP_SETTINGS, run: RUN_SETTINGS, cgroup: CGROUP_SETTINGS, workload: WORKLOAD_SETTINGS,
};

export function hover(c: Compilation, offset: number): Hover | null {
  if (offset < 0 || offset > c.text.length) return null;
  const t = tokenAt(c, offset);
  if (!t || t.kind === 'string' || t.kind === 'error') return null;
  const span = { start: t.start, end: t.end };

  const sym = symbolAt(c, offset);
  if (sym) {
    const def = definitionSummary(c, sym.kind, sym.name, sym.scope);
    if (def) return { markdown: def, span: { start: sym.start, end: sym.end } };
  }

  // Metrics in an expectation: `VARIANT.METRIC`.
  const expect = c.file.items.find((i): i is A.ExpectItem => i.kind === 'expect' && i.start <= offset && offset <= i.end);
  if (expect) {
    for (const o of [expect.left, expect.right]) {
      if (o?.kind === 'metric' && o.metric.start <= offset && offset <= o.metric.end) {
        return { markdown: `**${o.metric.text}**\n\n${metricDoc(o.metric.text)}`, span: { start: o.metric.start, end: o.metric.end } };
      }
      if (o?.kind === 'metric' && o.variant.text === '*' && o.variant.start <= offset && offset <= o.variant.end) {
        return { markdown: '`*`: every variant of the scenario', span: { start: o.variant.start, end: o.variant.end } };
      }
    }
  }

  // `x` (or `×`) between the knobs of a sweep.
  if (c.file.items.some((i) => i.kind === 'sweep' && i.cross.some((x) => x.op.start === t.start))) {
    return { markdown: `**${t.text}**: ${CROSS_DOC}`, span };
  }

  const tokens = tokensOf(c);
  const index = tokens.indexOf(t);
  if (t.kind === 'number' || (t.kind === 'ident' && isUnitAfterNumber(tokens, index)) || (t.kind === 'punct' && (t.text === '%' || t.text === '/'))) {
    const q = quantityAround(tokens, index);
    if (q) {
      const md = quantityMarkdown(q.number, q.unit);
      if (md) return { markdown: md, span: q.span };
    }
    return null;
  }
  if (t.kind !== 'ident') return null;

  const blocks = blocksAt(c, offset);
  const block = blocks[blocks.length - 1];
  const k = findKnob(t.text) ?? (block?.kind === 'costs' ? findKnob('cost.' + t.text) : undefined);
  if (k) return { markdown: knobMarkdown(k), span };

  // An enum value: show the knob it belongs to.
  const prev = tokens[index - 1];
  const prev2 = tokens[index - 2];
  if (prev?.text === '=' && prev2?.kind === 'ident') {
    const owner = findKnob(prev2.text);
    if (owner && owner.type.kind !== 'quantity') return { markdown: `\`${t.text}\`: a value of ${knobMarkdown(owner)}`, span };
  }
  if (block) {
    const kind = block.kind === 'workload' || block.kind === 'cgroup' || block.kind === 'node' || block.kind === 'swap' || block.kind === 'run' ? block.kind : null;
    const table = kind ? SETTINGS_BY_BLOCK[kind] : undefined;
    if (table && t.text in table && tokens[index + 1]?.text === '=') return { markdown: `**${t.text}** (${kind} setting): ${table[t.text]}`, span };
  }
  if (PRESETS[t.text] && prev?.text === 'preset') {
    const p = PRESETS[t.text];
    return { markdown: `**machine preset ${t.text}**\n\n${p.description}\n\n${p.nodes.map((n, i) => `- node ${i}: ${fmtBytes(n.memoryBytes)}, ${n.cpus.length ? `CPUs ${n.cpus[0]}-${n.cpus[n.cpus.length - 1]}` : 'no CPUs'}`).join('\n')}`, span };
  }
  const doc = KEYWORD_DOCS[t.text];
  if (doc) return { markdown: `**${t.text}**: ${doc}`, span };
  return null;
}

const UNIT_WORDS = /^(B|KiB|MiB|GiB|TiB|kB|MB|GB|TB|ns|us|ms|s|min)$/;

function isUnitAfterNumber(tokens: Token[], i: number): boolean {
  return UNIT_WORDS.test(tokens[i].text) && tokens[i - 1]?.kind === 'number' && !tokens[i].lineStart;
}

/** The number and unit around token i: `125 GB`, `50M/s`, `4 GB/s`, `30%`. */
function quantityAround(tokens: Token[], i: number): { number: number; unit: string; span: A.Span } | null {
  let n = i;
  while (n > 0 && tokens[n].kind !== 'number' && i - n < 3) n--;
  const num = tokens[n];
  if (num?.kind !== 'number' || num.value === undefined) return null;
  const a = tokens[n + 1];
  const b = tokens[n + 2];
  const c = tokens[n + 3];
  const same = (x: Token | undefined) => x && !x.lineStart;
  let unit = '';
  let end = num.end;
  if (same(a) && a!.text === '%') { unit = '%'; end = a!.end; }
  else if (same(a) && a!.text === '/' && same(b) && b!.text === 's') { unit = '/s'; end = b!.end; }
  else if (same(a) && UNIT_WORDS.test(a!.text)) {
    unit = a!.text; end = a!.end;
    if (same(b) && b!.text === '/' && same(c) && c!.text === 's') { unit += '/s'; end = c!.end; }
  }
  if (!unit) return i === n ? { number: num.value, unit: '', span: num } : null;
  if (tokens[i].start > end) return null;
  return { number: num.value, unit, span: { start: num.start, end } };
}

/** One paragraph about a name: what its definition says. */
export function definitionSummary(c: Compilation, kind: string, name: string, scope?: string): string | null {
  const items = c.file.items;
  const slice = (s: A.Span) => c.text.slice(s.start, Math.min(s.end, s.start + 400)).trim();
  switch (kind) {
    case 'node': {
      const n = c.set?.variants[0]?.machine.nodes.find((x) => String(x.id) === name);
      if (n) {
        const cpus = n.cpus.length ? `CPUs ${n.cpus[0]}-${n.cpus[n.cpus.length - 1]}` : 'no CPUs (memory only)';
        return `**node ${name}**: ${fmtBytes(n.memoryBytes)}, ${cpus}, tier ${n.tier}, ${n.latencyNs} ns, ${+(n.bandwidthBytesPerSec / 1e9).toPrecision(4)} GB/s${n.writeBandwidthBytesPerSec < n.bandwidthBytesPerSec ? ` (${+(n.writeBandwidthBytesPerSec / 1e9).toPrecision(4)} GB/s write)` : ''}`;
      }
      const m = items.find((i): i is A.MachineItem => i.kind === 'machine');
      const nb = m?.nodes.find((x) => x.id && String(x.id.number) === name);
      return nb ? `**node ${name}**\n\n\`\`\`numa\n${slice(nb)}\n\`\`\`` : `**node ${name}**`;
    }
    case 'workload': case 'cgroup': case 'variant': {
      const it = items.find((i) => i.kind === kind && (i as A.WorkloadItem).name?.text === name);
      if (!it) return null;
      const lines = c.text.slice(it.start, it.end).split('\n');
      const shown = lines.length > 12 ? [...lines.slice(0, 12), '  ...'] : lines;
      return `**${kind} ${name}**\n\n\`\`\`numa\n${shown.join('\n')}\n\`\`\``;
    }
    case 'region': {
      const def = allSymbols(c).find((s) => s.kind === 'region' && s.scope === scope && s.name === name && s.definition);
      if (!def) return null;
      let ls = c.text.lastIndexOf('\n', def.start - 1) + 1;
      let le = c.text.indexOf('\n', def.start);
      if (le < 0) le = c.text.length;
      while (ls < le && /\s/.test(c.text[ls])) ls++;
      return `**region ${name}** of workload ${scope}\n\n\`\`\`numa\n${c.text.slice(ls, le).trim()}\n\`\`\``;
    }
  }
  return null;
}
