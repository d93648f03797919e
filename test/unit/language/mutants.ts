// A deterministic corpus of broken (and some still valid) scenarios made from the examples:
// tokens deleted, duplicated or swapped, text truncated, random bytes inserted. The mutation
// test feeds them to the language; the core's invariant tests can reuse the ones that check clean.

import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { tokenize } from '../../../src/language/lexer';

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
