// JSON.stringify in pieces: the same bytes, written to a sink object by object, so a result with
// many variants and long series never becomes one string (V8 caps strings near 512 MiB, and
// 12 nodes x 14 variants x 100k samples died with "Invalid string length").

import type { Sink } from './safeWrite';

/** Arrays of plain values are written whole: one series of 100k numbers is about 1 MB. */
function isFlat(a: unknown[]): boolean {
  return a.every((x) => x === null || typeof x !== 'object');
}

/** Writes exactly what `JSON.stringify(value)` returns (no indentation). */
export function writeJson(value: unknown, write: Sink): void {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    write(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    if (isFlat(value)) {
      write(JSON.stringify(value));
      return;
    }
    write('[');
    value.forEach((item, i) => {
      if (i > 0) write(',');
      // JSON.stringify writes undefined, functions and symbols in arrays as null.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') write('null');
      else writeJson(item, write);
    });
    write(']');
    return;
  }
  write('{');
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    // ...and leaves them out of objects.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    write(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    writeJson(item, write);
  }
  write('}');
}
