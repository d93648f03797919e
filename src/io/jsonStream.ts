// JSON.stringify in pieces: the same bytes, written to a sink, so a result with many variants and
// long series never becomes one string (V8 caps strings near 512 MiB, and 12 nodes x 14 variants
// x 100k samples died with "Invalid string length"). A part small enough is stringified in one
// call: a walk in JavaScript is much slower, above all in a fresh CLI process where it runs once,
// unoptimized (zone-reclaim's 0.36 MB result took 21 ms piece by piece, 6 ms whole).

import type { Sink } from './safeWrite';

/** A value whose JSON is at most this many characters (estimated) is stringified whole. */
const WHOLE_CHARS = 8 << 20;
/** Pieces of a walk reach the sink joined, about this many characters at a time. */
const PIECE_CHARS = 1 << 20;
/** The longest JSON of a number (-2.2250738585072014e-308), true, false or null. */
const MAX_PRIMITIVE_CHARS = 24;

/** An upper bound on the length of `JSON.stringify(value)`; anything above `limit` once it is
 *  known to exceed it (the count stops there). A value with toJSON counts as too long. */
function lengthAtMost(value: unknown, limit: number): number {
  // A string may grow sixfold by escapes (\u0000).
  if (typeof value === 'string') return 2 + 6 * value.length;
  if (value === null || typeof value !== 'object') return MAX_PRIMITIVE_CHARS;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return Infinity;
  let n = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && n <= limit; i++) {
      const x: unknown = value[i];
      n += 1 + (typeof x === 'number' ? MAX_PRIMITIVE_CHARS : lengthAtMost(x, limit - n));
    }
  } else {
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length && n <= limit; i++) {
      n += 2 + lengthAtMost(keys[i], limit) + lengthAtMost((value as Record<string, unknown>)[keys[i]], limit - n);
    }
  }
  return n;
}

/** Writes exactly what `JSON.stringify(value)` returns (no indentation). `wholeChars`: the
 *  largest part stringified in one call (tests lower it to walk small values). */
export function writeJson(value: unknown, write: Sink, wholeChars = WHOLE_CHARS): void {
  let joined = '';
  const put = (s: string): void => {
    joined += s;
    if (joined.length >= PIECE_CHARS) {
      write(joined);
      joined = '';
    }
  };
  walk(value, put, wholeChars);
  if (joined) write(joined);
}

function walk(value: unknown, put: (s: string) => void, wholeChars: number): void {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function'
    || lengthAtMost(value, wholeChars) <= wholeChars) {
    put(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    put('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) put(',');
      const item: unknown = value[i];
      // JSON.stringify writes undefined, functions and symbols in arrays as null.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') put('null');
      else walk(item, put, wholeChars);
    }
    put(']');
    return;
  }
  put('{');
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    // ...and leaves them out of objects.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    put(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    walk(item, put, wholeChars);
  }
  put('}');
}
