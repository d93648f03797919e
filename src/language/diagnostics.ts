// Diagnostics as the language reports them: offsets into the text, a severity, a stable code and,
// where a fix is obvious ("did you mean"), the edit that applies it.

import type { Span } from './ast';

export type Severity = 'error' | 'warning' | 'info';

export interface Fix {
  title: string;
  span: Span;
  newText: string;
}

export interface Diagnostic extends Span {
  severity: Severity;
  message: string;
  /** Stable identifier of the kind of problem, e.g. `unknown-knob`, `syntax`. */
  code: string;
  fixes: Fix[];
}

export function diagnostic(severity: Severity, code: string, span: Span, message: string, fixes: Fix[] = []): Diagnostic {
  return { severity, code, start: span.start, end: Math.max(span.end, span.start), message, fixes };
}

/** Maps offsets to 0-based line and column (UTF-16 code units, as editors count). */
export class LineMap {
  private readonly lineStarts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.lineStarts[lo] };
  }
  offset(line: number, character: number): number {
    const l = Math.max(0, Math.min(line, this.lineStarts.length - 1));
    return this.lineStarts[l] + Math.max(0, character);
  }
  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** Edit distance for "did you mean": small names, so the plain dynamic programme is fine. */
export function editDistance(a: string, b: string): number {
  const prev = new Array(b.length + 1).fill(0).map((_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `name`, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const cl = c.toLowerCase();
    // A candidate whose last dotted part equals the name is the likeliest meaning: `swappiness`.
    const score = cl.endsWith('.' + lower) ? 0.5 : editDistance(lower, cl);
    if (score < bestScore) { bestScore = score; best = c; }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestScore <= limit ? best : undefined;
}
