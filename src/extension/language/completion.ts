// Completion: keywords, knobs and their values, node, workload, cgroup and variant names, from the
// language service; the item's span becomes the range VS Code replaces and filters on.
import * as vscode from 'vscode';
import { complete, type CompletionKind } from '../../language';
import type { AnalysisCache } from './analysis';
import { toRange } from './convert';

/** Typing these may start a completable word: `vm.` continues a knob, `=` starts a value, `(` and `,` a node list. */
export const COMPLETION_TRIGGERS = ['.', '=', '(', ','];

const KINDS: Record<CompletionKind, vscode.CompletionItemKind> = {
  keyword: vscode.CompletionItemKind.Keyword,
  knob: vscode.CompletionItemKind.Property,
  setting: vscode.CompletionItemKind.Field,
  value: vscode.CompletionItemKind.EnumMember,
  node: vscode.CompletionItemKind.Constant,
  workload: vscode.CompletionItemKind.Class,
  cgroup: vscode.CompletionItemKind.Module,
  variant: vscode.CompletionItemKind.Variable,
  region: vscode.CompletionItemKind.Variable,
  action: vscode.CompletionItemKind.Function,
  pattern: vscode.CompletionItemKind.EnumMember,
  metric: vscode.CompletionItemKind.Field,
  preset: vscode.CompletionItemKind.Constant,
  mempolicy: vscode.CompletionItemKind.Function,
  unit: vscode.CompletionItemKind.Unit,
};

export class NumaCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly analysis: AnalysisCache) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const c = this.analysis.get(document);
    return complete(c, document.offsetAt(position)).map((it) => {
      const item = new vscode.CompletionItem(it.label, KINDS[it.kind] ?? vscode.CompletionItemKind.Text);
      item.detail = it.detail;
      if (it.documentation) item.documentation = new vscode.MarkdownString(it.documentation);
      if (it.insertText !== undefined) item.insertText = it.insertText;
      item.range = toRange(document, it.span);
      return item;
    });
  }
}
