// The language library's front door: parse + check + lower in one call. Plain TypeScript with no
// editor dependency; the CLI, the tests, the simulation worker and the extension all use this.

import type { FileNode } from './ast';
import { check, CheckOptions, SymbolRef } from './checker';
import { Diagnostic } from './diagnostics';
import type { ScenarioSet } from './model';
import { parse } from './parser';

export interface Compilation {
  fileName: string;
  text: string;
  file: FileNode;
  /** The resolved scenarios, or null when the file has errors. */
  set: ScenarioSet | null;
  /** Syntax and semantic diagnostics, sorted by position. */
  diagnostics: Diagnostic[];
  symbols: SymbolRef[];
}

/** Largest file the language accepts: far beyond any hand-written scenario, small enough that
 *  checking stays interactive. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

export function compile(text: string, fileName = 'scenario.numa', options: CheckOptions = {}): Compilation {
  if (text.length > MAX_SOURCE_BYTES) {
    const d: Diagnostic = { severity: 'error', code: 'too-large', start: 0, end: 0, fixes: [],
      message: `the file is ${(text.length / 1048576).toFixed(1)} MiB; scenarios are limited to ${MAX_SOURCE_BYTES / 1048576} MiB` };
    return { fileName, text, file: { items: [], comments: [], length: text.length }, set: null, diagnostics: [d], symbols: [] };
  }
  const parsed = parse(text);
  let checked: ReturnType<typeof check>;
  try {
    checked = check(parsed.file, parsed.diagnostics, options);
  } catch (e) {
    // A checker bug must not take the editor or the CLI down; the mutation tests call check()
    // directly so such a bug still fails a test.
    const message = `internal error in the checker: ${e instanceof Error ? e.message : String(e)}; please report it with this file`;
    checked = { set: null, symbols: [], diagnostics: [{ severity: 'error', code: 'internal', start: 0, end: 0, fixes: [], message }] };
  }
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics].sort((a, b) => a.start - b.start || a.end - b.end);
  return { fileName, text, file: parsed.file, set: checked.set, diagnostics, symbols: checked.symbols };
}

export { parse } from './parser';
export { check, limitProblems } from './checker';
export { tokenize } from './lexer';
export { LineMap } from './diagnostics';
export type { Diagnostic, Fix, Severity } from './diagnostics';
export type { SymbolRef, SymbolKind, CheckOptions } from './checker';
export { estimateBudget, budgetProblems, DEFAULT_BUDGET } from './budget';
export type { BudgetEstimate, Budget } from './budget';
export * as schema from './schema';
export type * from './model';
export * from './service';
