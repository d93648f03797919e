// Diagnostics while typing. Each edit re-arms a short timer per document (debounce), so a burst of
// keystrokes costs one check. A check result is published only if the document still has the
// version it was computed for and no newer check was started since: a slow or stale result can
// never overwrite a newer one. Text identical to the last checked text is not checked again.
import * as vscode from 'vscode';
import { NUMA_LANGUAGE_ID } from './ids';

export const DIAGNOSTICS_DEBOUNCE_MS = 250;

/** Turns a document's text into VS Code diagnostics; may be synchronous or not. */
export type DocumentChecker = (document: vscode.TextDocument, text: string) => vscode.Diagnostic[] | Promise<vscode.Diagnostic[]>;

/** Scenario files and unsaved scenarios; not the read-only copies of diff views (git:, output:). */
function isChecked(document: vscode.TextDocument): boolean {
  return document.languageId === NUMA_LANGUAGE_ID && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

interface DocState {
  timer?: ReturnType<typeof setTimeout>;
  /** Bumped for every check started; a finishing check publishes only if it is still the latest. */
  generation: number;
  /** The text whose diagnostics are currently published. */
  checkedText?: string;
}

export class DiagnosticsController implements vscode.Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly states = new Map<string, DocState>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly check: DocumentChecker, private readonly debounceMs = DIAGNOSTICS_DEBOUNCE_MS) {
    this.collection = vscode.languages.createDiagnosticCollection(NUMA_LANGUAGE_ID);
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.schedule(e.document, this.debounceMs); }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Arms (or re-arms) the timer of a document; `force` checks even unchanged text. */
  schedule(document: vscode.TextDocument, delayMs: number, force = false): void {
    if (!isChecked(document)) return;
    const key = document.uri.toString();
    const state = this.states.get(key) ?? { generation: 0 };
    this.states.set(key, state);
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(document, state, force);
    }, delayMs);
  }

  /** Checks a document now, bypassing the debounce and the identical-text skip. */
  async checkNow(document: vscode.TextDocument): Promise<void> {
    if (!isChecked(document)) return;
    const key = document.uri.toString();
    const state = this.states.get(key) ?? { generation: 0 };
    this.states.set(key, state);
    if (state.timer) { clearTimeout(state.timer); state.timer = undefined; }
    await this.run(document, state, true);
  }

  private async run(document: vscode.TextDocument, state: DocState, force: boolean): Promise<void> {
    if (document.isClosed) return;
    const text = document.getText();
    if (!force && text === state.checkedText) return;
    const generation = ++state.generation;
    const version = document.version;
    let diagnostics: vscode.Diagnostic[];
    try {
      diagnostics = await this.check(document, text);
    } catch (e) {
      // A checker crash must not leave stale squiggles or fail silently: say so on line 1.
      const message = `NUMA Lab could not check this file: ${e instanceof Error ? e.message : String(e)}`;
      diagnostics = [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Error)];
    }
    if (document.isClosed || document.version !== version || generation !== state.generation) return;
    this.collection.set(document.uri, diagnostics);
    state.checkedText = text;
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const state = this.states.get(key);
    if (state?.timer) clearTimeout(state.timer);
    this.states.delete(key);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const s of this.states.values()) if (s.timer) clearTimeout(s.timer);
    this.states.clear();
    for (const d of this.disposables) d.dispose();
  }
}
