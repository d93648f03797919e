// One compilation per document version, shared by diagnostics and every provider, so hover,
// completion and the rest do not re-parse a file that has not changed.
import type * as vscode from 'vscode';
import { compile, type Compilation } from '../../language';

interface Entry {
  version: number;
  compilation: Compilation;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  get(document: vscode.TextDocument): Compilation {
    const key = document.uri.toString();
    const hit = this.entries.get(key);
    if (hit && hit.version === document.version) return hit.compilation;
    const compilation = compile(document.getText(), document.uri.fsPath || document.uri.path);
    this.entries.set(key, { version: document.version, compilation });
    return compilation;
  }

  forget(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}
