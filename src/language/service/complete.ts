// Context-aware completion: what may come next at an offset, from the enclosing blocks and the
// words already on the line.

import { CGROUP_SETTINGS, MEMPOLICY_MODES, NODE_SETTINGS, RUN_SETTINGS, SWAP_SETTINGS, WORKLOAD_SETTINGS } from '../checker';
import type { Compilation } from '../index';
import type { Token } from '../lexer';
import { CGROUP_METRICS, NODE_FIELDS, SUMMARY_METRICS, VMSTAT_COUNTERS, WORKLOAD_METRICS } from '../metrics';
import { ACTIONS, PATTERNS, TOP_KEYWORDS } from '../parser';
import { PRESETS } from '../presets';
import { KNOBS, Knob, UNITS, formatKnobValue, knob as findKnob } from '../schema';
import { DEFAULT_KERNEL, VERSION_TABLE } from '../../core/versions';
import { Block, blocksAt, lineContext } from './context';
import { KEYWORD_DOCS, knobMarkdown, metricDoc } from './docs';
import { nodeIds, regionsOf, symbolNames } from './symbols';
import type { CompletionItem, CompletionKind } from './types';

const MACHINE_ITEMS: Record<string, string> = {
  node: 'a NUMA node: node N { memory = ..., cpus = ... }',
  distance: 'the SLIT distance matrix, one row per node',
  access_latency_ns: 'an explicit access-latency matrix in ns, one row per CPU node',
  swap: 'a swap device: swap { size = ..., latency = ..., bandwidth = ... }',
};
const VARIANT_BLOCKS: Record<string, string> = {
  workload: 'override settings of a workload', cgroup: 'override limits of a cgroup', node: 'override settings of a node',
  run: 'override run settings', swap: 'override the swap device',
};
const ACCESS_OPTIONS: Record<string, string> = { rate: 'accesses per second, e.g. rate 50M/s', writes: 'share of writes, e.g. writes 30%', for: 'how long, e.g. for 60 s' };

export function complete(c: Compilation, offset: number): CompletionItem[] {
  offset = Math.max(0, Math.min(offset, c.text.length));
  if (inCommentOrString(c.text, offset)) return [];
  const { before, word } = lineContext(c, offset);
  const span = { start: word.start, end: word.end };
  const blocks = blocksAt(c, offset);
  const block = blocks[blocks.length - 1];
  const outer = blocks.length > 1 ? blocks[blocks.length - 2] : undefined;
  const words = before.map((t) => t.text);
  const last = words[words.length - 1];
  const item = (label: string, kind: CompletionKind, detail?: string, documentation?: string): CompletionItem =>
    ({ label, kind, span, ...(detail !== undefined ? { detail } : {}), ...(documentation !== undefined ? { documentation } : {}) });
  const keywords = (names: string[], kind: CompletionKind = 'keyword') => names.map((n) => item(n, kind, KEYWORD_DOCS[n]));
  const fromRecord = (r: Record<string, string>, kind: CompletionKind) => Object.entries(r).map(([n, d]) => item(n, kind, d));
  const knobs = (filter: (k: Knob) => boolean = () => true) => KNOBS.filter(filter).map((k) => knobItem(k, span));
  const version = () => item('version', 'setting', `kernel version, default ${DEFAULT_KERNEL}`, KEYWORD_DOCS.version);

  // Expectations: `expect A OP B`, and `VARIANT.` metrics.
  if (!block && words[0] === 'expect') {
    const dotted = /([A-Za-z_*][A-Za-z0-9_+\-]*)\.([A-Za-z0-9_.]*)$/.exec(c.text.slice(lineStartOf(c.text, offset), offset));
    if (dotted) {
      const mstart = offset - dotted[2].length;
      return metricItems(c, { start: mstart, end: word.end });
    }
    if (words.length === 1 || (last !== undefined && ['<', '<=', '>', '>=', '==', '!='].includes(last))) {
      return [...variantNames(c).map((v) => item(v, 'variant', 'variant')), item('*', 'variant', 'every variant')];
    }
    if (words.length >= 2) return ['<', '<=', '>', '>=', '==', '!='].map((o) => item(o, 'keyword', 'comparison'));
    return [];
  }

  // `sweep KNOB = ...`, and `x KNOB = ...` for each knob crossed with it (on its line or after).
  const cross = Math.max(words.lastIndexOf('x'), words.lastIndexOf('×'));
  if (!block && (words[0] === 'sweep' || cross === 0)) {
    const rest = cross >= 0 ? words.slice(cross) : words;
    if (rest.length === 1) return knobs();
    const k = findKnob(rest[1]);
    if (k && rest.includes('=')) return knobValueItems(k, span);
    return [];
  }

  // `machine preset NAME`
  if (!block && words[0] === 'machine') {
    if (last === 'preset') return Object.entries(PRESETS).map(([n, p]) => item(n, 'preset', 'machine preset', p.description));
    if (words.length === 1) return [item('preset', 'keyword', 'start from a named machine')];
    return [];
  }

  // `NAME = |`: the values a setting or knob takes.
  if (last === '=' && words.length >= 2) return valueItems(c, words[words.length - 2], block, outer, span);
  // `NAME = 12 |`: units after a number.
  if (words.length >= 3 && before[before.length - 1].kind === 'number' && words.includes('=')) {
    return unitItems(words[words.indexOf('=') - 1], block, span);
  }

  if (!block) return words.length === 0 ? keywords(TOP_KEYWORDS) : [];

  const lineStart = words.length === 0 || settingComplete(before);
  switch (block.kind) {
    case 'kernel': return lineStart ? [version(), ...knobs()] : [];
    case 'costs': return lineStart ? knobs((k) => k.name.startsWith('cost.')) : [];
    case 'machine': return lineStart ? fromRecord(MACHINE_ITEMS, 'keyword') : [];
    case 'node': return lineStart ? fromRecord(NODE_SETTINGS, 'setting') : [];
    case 'swap': return lineStart ? fromRecord(SWAP_SETTINGS, 'setting') : [];
    case 'run': return lineStart ? fromRecord(RUN_SETTINGS, 'setting') : [];
    case 'cgroup': return lineStart ? fromRecord(CGROUP_SETTINGS, 'setting') : [];
    case 'matrix': return nodeIds(c).map((id) => item(`${id}:`, 'node', `row for node ${id}`));
    case 'variant': {
      if (words.length === 0) return [version(), ...knobs(), ...fromRecord(VARIANT_BLOCKS, 'keyword')];
      if (words.length === 1 && (last === 'workload' || last === 'cgroup')) return symbolNames(c, last).map((n) => item(n, last, last));
      if (words.length === 1 && last === 'node') return nodeIds(c).map((id) => item(String(id), 'node', 'node'));
      return settingComplete(before) ? knobs() : [];
    }
    case 'workload': {
      if (outer?.kind === 'variant') return lineStart ? fromRecord(WORKLOAD_SETTINGS, 'setting') : [];
      if (words.length === 0) return [...fromRecord(WORKLOAD_SETTINGS, 'setting'), item('at', 'keyword', 'a timed phase: at TIME ACTION', KEYWORD_DOCS.at), item('after', 'keyword', 'a phase that starts when an earlier one ends: after ACTION REGION ACTION', KEYWORD_DOCS.after)];
      if (words[0] === 'at') return phaseItems(c, before, block, span, item);
      return settingComplete(before) ? fromRecord(WORKLOAD_SETTINGS, 'setting') : [];
    }
    default: return [];
  }
}

function phaseItems(c: Compilation, before: Token[], block: Block, span: { start: number; end: number },
  item: (label: string, kind: CompletionKind, detail?: string, documentation?: string) => CompletionItem): CompletionItem[] {
  const words = before.map((t) => t.text);
  // at NUMBER [unit] ACTION ...
  let i = 1;
  if (before[i]?.kind !== 'number') return [];
  i++;
  if (i === words.length) return Object.keys(UNITS.time).map((u) => item(u, 'unit', 'time unit'));
  if (UNITS.time[words[i]] !== undefined) i++;
  if (i === words.length) return ACTIONS.map((a) => item(a, 'action', KEYWORD_DOCS[a]));
  const action = words[i];
  const rest = words.slice(i + 1);
  const regions = () => regionsOf(c, block.name ?? '').map((r) => item(r, 'region', `region of workload ${block.name}`));
  switch (action) {
    case 'access':
      if (rest.length === 0) return regions();
      if (rest.length === 1) return PATTERNS.map((p) => item(p, 'pattern', KEYWORD_DOCS[p]));
      return Object.entries(ACCESS_OPTIONS).filter(([k]) => !rest.includes(k)).map(([k, d]) => item(k, 'keyword', d));
    case 'dontneed':
    case 'free':
      return rest.length === 0 ? regions() : [];
    case 'alloc':
      if (rest.length >= 2 && before[before.length - 1].kind === 'number') return Object.keys(UNITS.size).map((u) => item(u, 'unit', 'size unit'));
      if (rest.length >= 3 && !rest.includes('MADV_HUGEPAGE') && !rest.includes('rate')) return [item('MADV_HUGEPAGE', 'keyword', KEYWORD_DOCS.MADV_HUGEPAGE), item('rate', 'keyword', 'allocation rate, e.g. rate 4 GB/s')];
      return [];
    case 'read':
    case 'write':
      return rest.length === 0 ? [item('file', 'keyword', 'page-cache file')] : [];
    default:
      return [];
  }
}

function valueItems(c: Compilation, name: string, block: Block | undefined, outer: Block | undefined, span: { start: number; end: number }): CompletionItem[] {
  const item = (label: string, kind: CompletionKind, detail?: string): CompletionItem => ({ label, kind, span, ...(detail ? { detail } : {}) });
  const inWorkload = block?.kind === 'workload';
  if (inWorkload && name === 'mempolicy') {
    return MEMPOLICY_MODES.map((m) => ({ ...item(m, 'mempolicy', KEYWORD_DOCS[m]), ...(m === 'local' ? {} : { insertText: m === 'weighted-interleave' ? `${m}(0:1, 1:1)` : `${m}(0)` }) }));
  }
  if (inWorkload && name === 'cgroup') return symbolNames(c, 'cgroup').map((n) => item(n, 'cgroup', 'cgroup'));
  if (inWorkload && name === 'node') return nodeIds(c).map((id) => item(String(id), 'node', 'node'));
  if (inWorkload && name === 'cpus_allowed') return [item('all', 'value', 'every CPU of the machine: NUMA balancing may move the workload to any node')];
  if (block?.kind === 'node' && name === 'cpus') return [item('none', 'value', 'a CPU-less memory node')];
  if (block?.kind === 'cgroup' && name.startsWith('memory.')) return [item('max', 'value', 'no limit')];
  // `version = |`: the releases where the version table changes something, newest first.
  if (name === 'version' && (block?.kind === 'kernel' || block?.kind === 'variant')) {
    return versionsOfNote().map(({ version, what }) => item(version, 'value', version === DEFAULT_KERNEL ? `${what} (default)` : what));
  }
  const k = findKnob(name) ?? (block?.kind === 'costs' ? findKnob('cost.' + name) : undefined);
  if (k) return knobValueItems(k, span);
  void outer;
  return [];
}

function unitItems(name: string, block: Block | undefined, span: { start: number; end: number }): CompletionItem[] {
  const k = findKnob(name);
  const dim = k?.type.kind === 'quantity' ? k.type.dimension
    : ['memory', 'size', 'reserved', 'memory.max', 'memory.high', 'memory.low'].includes(name) ? 'size'
      : ['latency', 'duration', 'sample'].includes(name) ? 'time' : name === 'bandwidth' || name === 'write_bandwidth' ? 'bandwidth' : undefined;
  void block;
  if (!dim) return [];
  return Object.keys(UNITS[dim]).map((u) => ({ label: u, kind: 'unit' as const, detail: `${dim} unit`, span }));
}

function knobItem(k: Knob, span: { start: number; end: number }): CompletionItem {
  const unit = k.unit && !['bitmask', 'mode'].includes(k.unit) ? `${k.unit}, ` : '';
  return { label: k.name, kind: 'knob', detail: `${unit}default ${formatKnobValue(k, k.default)}`, documentation: knobMarkdown(k), span };
}

function knobValueItems(k: Knob, span: { start: number; end: number }): CompletionItem[] {
  const t = k.type;
  const mark = (v: string | boolean) => (v === k.default ? ' (default)' : '');
  if (t.kind === 'enum') return t.values.map((v) => ({ label: v, kind: 'value', detail: `${k.name}${mark(v)}`, span }));
  if (t.kind === 'bool') return [true, false].map((v) => ({ label: v ? 'true' : 'false', kind: 'value', detail: `${k.name}${mark(v)}`, span }));
  return [{ label: formatKnobValue(k, k.default), kind: 'value', detail: `${k.name} (default)`, span }];
}

function metricItems(c: Compilation, span: { start: number; end: number }): CompletionItem[] {
  const item = (label: string, detail: string): CompletionItem => ({ label, kind: 'metric', detail, documentation: metricDoc(label), span });
  const out: CompletionItem[] = [
    ...SUMMARY_METRICS.map((m) => item(m, 'summary metric')),
    ...VMSTAT_COUNTERS.map((m) => item(m, '/proc/vmstat counter')),
  ];
  for (const id of nodeIds(c)) for (const f of NODE_FIELDS) out.push(item(`node${id}.${f}`, 'meminfo field at the end, kB'));
  for (const w of symbolNames(c, 'workload')) for (const m of WORKLOAD_METRICS) out.push(item(`workload.${w}.${m}`, `workload ${w}`));
  for (const g of symbolNames(c, 'cgroup')) for (const m of CGROUP_METRICS) out.push(item(`cgroup.${g}.${m}`, `cgroup ${g}`));
  return out;
}

/** Variant names the expectations may use: declared variants, sweep points, or `base`. */
export function variantNames(c: Compilation): string[] {
  const declared = symbolNames(c, 'variant');
  const sweeps = c.set?.sweeps.flatMap((s) => s.variantNames) ?? [];
  const hasSweep = c.file.items.some((i) => i.kind === 'sweep');
  return declared.length === 0 ? ['base', ...sweeps] : hasSweep ? [...declared, ...sweeps] : declared;
}

/** `name = value` is complete on the line, so the next word starts a new setting. */
function settingComplete(before: Token[]): boolean {
  const eq = before.map((t) => t.text).lastIndexOf('=');
  return eq > 0 && eq < before.length - 1 && before[before.length - 1].kind !== 'number';
}

function lineStartOf(text: string, offset: number): number {
  const i = text.lastIndexOf('\n', offset - 1);
  return i + 1;
}

function inCommentOrString(text: string, offset: number): boolean {
  const line = text.slice(lineStartOf(text, offset), offset);
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '#') return true;
  }
  return inString;
}

/** The first release of each era in the version table (its rc1 named as the release), with
 *  what it brought; the default version among them. */
function versionsOfNote(): { version: string; what: string }[] {
  const out = new Map<string, string>();
  const starts = VERSION_TABLE.flatMap((r) => r.eras.map((e) => e.since));
  // 5.18-rc1 is offered as 5.18; 4.20-rc1 stays, since 4.20-rc6 changed it back before 4.20.
  const name = (since: string) => {
    const release = since.replace(/-rc1$/, '');
    return starts.some((x) => x !== since && x.startsWith(`${release}-rc`)) ? since : release;
  };
  for (const row of VERSION_TABLE) {
    for (const e of row.eras) {
      const v = name(e.since);
      out.set(v, out.has(v) ? `${out.get(v)}; ${row.title}` : row.title);
    }
  }
  if (!out.has(DEFAULT_KERNEL)) out.set(DEFAULT_KERNEL, 'the default');
  const key = (v: string) => v.split(/[.-]/).map((p) => (p.startsWith('rc') ? -100 + Number(p.slice(2)) : Number(p)));
  return [...out].map(([version, what]) => ({ version, what })).sort((a, b) => {
    const x = key(a.version), y = key(b.version);
    return y[0] - x[0] || y[1] - x[1] || (y[2] ?? 0) - (x[2] ?? 0);
  });
}
