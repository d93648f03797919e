// Quick fixes: the language attaches a ready edit to its "did you mean" diagnostics; each becomes
// a preferred QuickFix code action tied to the diagnostic it resolves.
import * as vscode from 'vscode';
import type { AnalysisCache } from './analysis';
import { toRange } from './convert';

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly analysis: AnalysisCache) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of this.analysis.get(document).diagnostics) {
      if (!d.fixes.length) continue;
      const where = toRange(document, d);
      if (!where.intersection(range) && !where.contains(range.start)) continue;
      // The editor's own copy of the diagnostic, so the fix is listed against it in Problems.
      const shown = context.diagnostics.filter((c) => c.range.isEqual(where) && c.message === d.message);
      for (const fix of d.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, toRange(document, fix.span), fix.newText);
        action.diagnostics = shown;
        action.isPreferred = d.fixes.length === 1;
        actions.push(action);
      }
    }
    return actions;
  }
}
