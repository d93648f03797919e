// What the NUMA Lab language server adds to LSP, shared by the server and the VS Code client.
// Plain names and shapes, no imports, so either side can use them.

/** Checks a document now (no debounce), publishes its diagnostics, and answers with their messages
 *  in the order published, so a client can tell when its own copy is up to date. */
export const CHECK_DOCUMENT_REQUEST = 'numaLab/checkDocument';

export interface CheckDocumentParams {
  uri: string;
}

export interface CheckDocumentResult {
  messages: string[];
}

/** The settings a client passes as initializationOptions or in workspace/didChangeConfiguration,
 *  either as they are or under a `numaLab` section (as VS Code and Neovim's `settings` send them). */
export interface NumaSettings {
  /** Multiplies the budget a scenario must fit, as `numa-lab run --budget FACTOR` does. */
  budget?: number;
}

/** Typing these may start a completable word: `vm.` continues a knob, `=` starts a value, `(` and `,` a node list. */
export const COMPLETION_TRIGGERS = ['.', '=', '(', ','];

/** The budget factor in a settings object, or undefined when it holds none that is valid. */
export function budgetOf(settings: unknown): number | undefined {
  if (!settings || typeof settings !== 'object') return undefined;
  const s = settings as { budget?: unknown; numaLab?: unknown };
  const v = s.numaLab && typeof s.numaLab === 'object' ? (s.numaLab as { budget?: unknown }).budget : s.budget;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}
