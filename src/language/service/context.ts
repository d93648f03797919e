// Where in the file an offset is: the token under it, the blocks around it and the tokens
// before it on its line. Completion and hover work from this rather than the AST, because the
// text being typed is usually not a complete item yet.

import type { Compilation } from '../index';
import { Token, tokenize } from '../lexer';

export type BlockKind =
  | 'machine' | 'node' | 'matrix' | 'swap' | 'kernel' | 'costs' | 'run' | 'cgroup' | 'workload' | 'variant' | 'unknown';

export interface Block {
  kind: BlockKind;
  /** Workload/cgroup/variant name or node id, when the header has one. */
  name: string | null;
  /** Offset of the `{`. */
  open: number;
}

const tokenCache = new WeakMap<Compilation, Token[]>();

/** The tokens of a compilation (error tokens included), computed once. */
export function tokensOf(c: Compilation): Token[] {
  let t = tokenCache.get(c);
  if (!t) {
    t = tokenize(c.text);
    tokenCache.set(c, t);
  }
  return t;
}

/** Index of the first token that ends at or after `offset` (binary search). */
function firstEndingAtOrAfter(tokens: Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The token whose text contains `offset` or ends right at it (the word just typed). */
export function tokenAt(c: Compilation, offset: number): Token | null {
  const tokens = tokensOf(c);
  const i = firstEndingAtOrAfter(tokens, offset);
  for (const j of [i, i + 1]) {
    const t = tokens[j];
    if (t && t.kind !== 'eof' && t.start <= offset && offset <= t.end) {
      // Prefer the token that starts at the offset over the one that ends there, unless that
      // is punctuation: `vm.swappiness|=` hovers the knob.
      const next = tokens[j + 1];
      if (t.end === offset && next && next.start === offset && next.kind !== 'punct' && next.kind !== 'op') return next;
      return t;
    }
  }
  return null;
}

/** The blocks that enclose `offset`, outermost first. */
export function blocksAt(c: Compilation, offset: number): Block[] {
  const tokens = tokensOf(c);
  const stack: Block[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.start >= offset || t.kind === 'eof') break;
    if (t.kind !== 'punct') continue;
    if (t.text === '{') stack.push(header(tokens, i, stack));
    else if (t.text === '}') stack.pop();
  }
  return stack;
}

/** What a `{` at index i opens, from the words before it on its line. */
function header(tokens: Token[], i: number, stack: Block[]): Block {
  const at = (k: number): Token | undefined => (i - k >= 0 ? tokens[i - k] : undefined);
  const word = (k: number) => (at(k)?.kind === 'ident' ? at(k)!.text : at(k)?.kind === 'number' ? '#' : '');
  const open = tokens[i].start;
  const w1 = word(1);
  const parent = stack[stack.length - 1]?.kind;
  if (['kernel', 'costs', 'run', 'swap', 'machine'].includes(w1)) return { kind: w1 as BlockKind, name: null, open };
  if (w1 === 'distance' || w1 === 'access_latency_ns') return { kind: 'matrix', name: w1, open };
  if (w1 === '#' && word(2) === 'node') return { kind: 'node', name: at(1)!.text, open };
  if (w1 && w1 !== '#' && ['cgroup', 'workload', 'variant'].includes(word(2))) return { kind: word(2) as BlockKind, name: w1, open };
  if (w1 && word(2) === 'preset' && word(3) === 'machine') return { kind: 'machine', name: null, open };
  void parent;
  return { kind: 'unknown', name: null, open };
}

export interface LineContext {
  /** Tokens on the offset's line that end before the word under the cursor. */
  before: Token[];
  /** The partial word under the cursor and the span it replaces. */
  word: { text: string; start: number; end: number };
}

const WORD_CHAR = /[A-Za-z0-9_+\-.]/;

export function lineContext(c: Compilation, offset: number): LineContext {
  const text = c.text;
  let ws = offset;
  while (ws > 0 && WORD_CHAR.test(text[ws - 1])) ws--;
  let we = offset;
  while (we < text.length && WORD_CHAR.test(text[we])) we++;
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n') lineStart--;
  const tokens = tokensOf(c);
  const before: Token[] = [];
  let i = firstEndingAtOrAfter(tokens, lineStart);
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'eof' || t.end > ws || t.start < lineStart) {
      if (t.start < lineStart) continue;
      break;
    }
    before.push(t);
  }
  // Items can share a line after a brace: `node 0 { memory = 1 GiB  cpus = |` starts after `{`.
  let cut = 0;
  before.forEach((t, k) => { if (t.kind === 'punct' && (t.text === '{' || t.text === '}')) cut = k + 1; });
  return { before: before.slice(cut), word: { text: text.slice(ws, offset), start: ws, end: we } };
}
