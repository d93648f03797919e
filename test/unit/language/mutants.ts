// A deterministic corpus of broken (and some still valid) scenarios made from the examples:
// tokens deleted, duplicated or swapped, text truncated, random bytes inserted. The mutation
// test feeds them to the language; the core's invariant tests can reuse the ones that check clean.

import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { tokenize } from '../../../src/language/lexer';
import { KNOBS, RANGES, formatQuantity, formatRange, type NumberRange } from '../../../src/language/schema';

export type MutationKind = 'delete' | 'duplicate' | 'swap' | 'truncate' | 'bytes';

export interface Mutant {
  /** Which example it came from. */
  source: string;
  kind: MutationKind;
  text: string;
}

/** mulberry32: a tiny seeded PRNG, so the corpus is the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const EXAMPLES_DIR = path.resolve(__dirname, '../../../../examples');

export function exampleTexts(): { name: string; text: string }[] {
  return readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.numa')).sort()
    .map((name) => ({ name, text: readFileSync(path.join(EXAMPLES_DIR, name), 'utf8') }));
}

const KINDS: MutationKind[] = ['delete', 'duplicate', 'swap', 'truncate', 'bytes'];
/** Bytes that stress the lexer: punctuation, quotes, digits, controls, non-ASCII. */
const ALPHABET = '{}()[]=:,-.*/%<>!#"\\\n\t 0123456789eEkMGs_abcxyz\u0000\u00a0\ufeff\u00e9\u4e2d\ud83d\ude00';

/** `count` mutants, round-robin over the examples; each applies 1 to 3 mutations. */
export function generateMutants(count: number, seed = 42): Mutant[] {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const examples = exampleTexts();
  const tokenLists = examples.map((e) => tokenize(e.text).filter((t) => t.kind !== 'eof'));
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const ex = i % examples.length;
    let text = examples[ex].text;
    const kind = KINDS[int(KINDS.length)];
    const times = 1 + int(3);
    for (let m = 0; m < times; m++) {
      // Re-tokenize only when the text has changed, to keep generation fast.
      const tokens = m === 0 ? tokenLists[ex] : tokenize(text).filter((t) => t.kind !== 'eof');
      text = mutate(text, tokens, kind, int);
    }
    out.push({ source: examples[ex].name, kind, text });
  }
  return out;
}

function mutate(text: string, tokens: { start: number; end: number }[], kind: MutationKind, int: (n: number) => number): string {
  if (tokens.length === 0 || kind === 'bytes') {
    const at = int(text.length + 1);
    let bytes = '';
    for (let k = 1 + int(4); k > 0; k--) bytes += ALPHABET[int(ALPHABET.length)];
    return text.slice(0, at) + bytes + text.slice(at);
  }
  if (kind === 'truncate') return text.slice(0, int(text.length + 1));
  const t = tokens[int(tokens.length)];
  if (kind === 'delete') return text.slice(0, t.start) + text.slice(t.end);
  if (kind === 'duplicate') return text.slice(0, t.end) + (int(2) ? ' ' : '') + text.slice(t.start, t.end) + text.slice(t.end);
  // swap: with a near neighbour most of the time, sometimes with any token.
  const j = int(3) === 0 ? int(tokens.length) : Math.min(tokens.length - 1, tokens.indexOf(t) + 1 + int(3));
  const [a, b] = t.start <= tokens[j].start ? [t, tokens[j]] : [tokens[j], t];
  if (a === b || a.end > b.start) return text;
  return text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
}

// --- numbers at the schema's bounds -------------------------------------------------------------

/** A small scenario with one number replaced: `site(value)` gives its text. Each range of the
 *  schema (RANGES) has a site that writes the number where the language reads it. */
const BASE = (o: { node?: string; swap?: string; cgroup?: string; phases?: string; run?: string; matrix?: string; kernel?: string } = {}) => `scenario "bounds"
kernel { ${o.kernel ?? ''} }
machine {
  node 0 { memory = 1 GiB  cpus = 0-1 ${o.node ?? ''} }
  node 1 { memory = 1 GiB  cpus = 2-3 }
  ${o.matrix ?? ''}
  swap { size = 256 MiB ${o.swap ?? ''} }
}
cgroup g { memory.max = 768 MiB ${o.cgroup ?? ''} }
workload w {
  node = 0
  cgroup = g
  mempolicy = weighted-interleave(0:1, 1:1)
  at 0 s alloc heap 64 MiB rate 1 GB/s
  ${o.phases ?? 'at 0 s access heap zipf rate 1M/s'}
}
run { ${o.run ?? 'duration = 200 ms  sample = 50 ms'} }
`;

export const BOUND_SITES: Record<keyof typeof RANGES, (v: string) => string> = {
  nodeMemory: (v) => BASE().replace('node 1 { memory = 1 GiB', `node 1 { memory = ${v}`),
  nodeReserved: (v) => BASE({ node: `reserved = ${v}` }).replace('node 0 { memory = 1 GiB', 'node 0 { memory = 64 TiB'),
  nodeLatency: (v) => BASE({ node: `latency = ${v}` }),
  nodeBandwidth: (v) => BASE({ node: `bandwidth = ${v}` }),
  nodeTier: (v) => BASE().replace('node 1 { memory = 1 GiB  cpus = 2-3 }', `node 1 { memory = 1 GiB  cpus = none  tier = ${v} }`).replace('weighted-interleave(0:1, 1:1)', 'local'),
  distance: (v) => BASE({ matrix: `distance {\n    0: 10 ${v}\n    1: ${v} 10\n  }` }),
  swapSize: (v) => BASE().replace('swap { size = 256 MiB', `swap { size = ${v}`),
  swapLatency: (v) => BASE({ swap: `latency = ${v}` }),
  swapBandwidth: (v) => BASE({ swap: `bandwidth = ${v}` }),
  cgroupLimit: (v) => BASE({ cgroup: `memory.low = ${v}` }),
  duration: (v) => BASE({ run: `duration = ${v}  sample = 1440 min` }),
  sample: (v) => BASE({ run: `duration = 1 s  sample = ${v}` }),
  seed: (v) => BASE({ run: `duration = 200 ms  seed = ${v}` }),
  phaseTime: (v) => BASE({ phases: `at ${v} access heap uniform` }),
  regionSize: (v) => BASE({ phases: `at 0 s access heap hotset ${v}` }).replace('alloc heap 64 MiB', 'alloc heap 4096 TiB'),
  offset: (v) => BASE({ phases: `at 100 ms dontneed heap 1 MiB from ${v}` }),
  byteRate: (v) => BASE().replace('alloc heap 64 MiB rate 1 GB/s', `alloc heap 64 MiB rate ${v}`),
  accessRate: (v) => BASE({ phases: `at 0 s access heap uniform rate ${v}` }),
  phaseDuration: (v) => BASE({ phases: `at 0 s access heap uniform for ${v}` }),
  accessWork: (v) => BASE({ phases: `at 0 s access heap uniform for ${v} passes` }),
  threads: (v) => BASE({ phases: `at 0 s access heap uniform for 1M accesses` }).replace('node = 0\n', `node = 0\n  threads = ${v}\n`),
  computePerAccess: (v) => BASE().replace('node = 0\n', `node = 0\n  compute_per_access = ${v}\n`),
  mlp: (v) => BASE().replace('node = 0\n', `node = 0\n  mlp = ${v}\n`),
  zipfExponent: (v) => BASE({ phases: `at 0 s access heap zipf ${v}` }),
  weight: (v) => BASE().replace('weighted-interleave(0:1, 1:1)', `weighted-interleave(0:${v}, 1:1)`),
};

export interface BoundMutant {
  /** A RANGES entry or a knob name. */
  range: string;
  /** 'min' and 'max' are at the bound and must be accepted; 'below' and 'above' one step past. */
  where: 'min' | 'max' | 'below' | 'above';
  value: string;
  text: string;
  /** What the diagnostic one step past says. */
  message: RegExp;
}

/** min, max and one step past each (a whole number for counts, 1% for quantities), except
 *  below a min of 0, which the language cannot write (it has no negative numbers). */
function points(min: number, max: number, integer: boolean): [BoundMutant['where'], number][] {
  const out: [BoundMutant['where'], number][] = [['min', min], ['max', max], ['above', integer ? max + 1 : max * 1.01]];
  if (min > 0) out.push(['below', integer ? min - 1 : min * 0.99]);
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Every range of the schema and every numeric knob at its bounds and one step past them. */
export function boundMutants(): BoundMutant[] {
  const out: BoundMutant[] = [];
  for (const [name, r] of Object.entries(RANGES) as [keyof typeof RANGES, NumberRange][]) {
    const integer = r.dimension === 'number' && Number.isInteger(r.min) && Number.isInteger(r.max);
    for (const [where, x] of points(r.min, r.max, integer)) {
      const value = formatQuantity(r.dimension, x);
      out.push({ range: name, where, value, text: BOUND_SITES[name](value), message: new RegExp(escape(formatRange(r))) });
    }
  }
  for (const k of KNOBS) {
    const t = k.type;
    if (t.kind !== 'int' && t.kind !== 'number' && t.kind !== 'quantity') continue;
    for (const [where, x] of points(t.min, t.max, t.kind === 'int')) {
      const value = t.kind === 'quantity' ? formatQuantity(t.dimension, x) : String(x);
      out.push({ range: k.name, where, value, text: BASE({ kernel: `${k.name} = ${value}` }), message: new RegExp(`'${escape(k.name)}' must be between`) });
    }
  }
  return out;
}
