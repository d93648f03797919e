// One compilation per document version, shared by diagnostics and every provider, so hover,
// completion and the rest do not re-parse a file that has not changed.
import type * as vscode from 'vscode';
import { compile, type Compilation } from '../../language';
import { budgetSetting } from '../budgetSetting';

interface Entry {
  version: number;
  budget: number;
  compilation: Compilation;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  get(document: vscode.TextDocument): Compilation {
    const key = document.uri.toString();
    const hit = this.entries.get(key);
    const budget = budgetSetting();
    if (hit && hit.version === document.version && hit.budget === budget) return hit.compilation;
    const compilation = compile(document.getText(), document.uri.fsPath || document.uri.path, { budget });
    this.entries.set(key, { version: document.version, budget, compilation });
    return compilation;
  }

  forget(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}
