// Quick fixes: the language attaches a ready edit to its "did you mean" diagnostics; the language
// service turns those into actions, and each becomes a QuickFix tied to the diagnostic it resolves.
import * as vscode from 'vscode';
import { codeActions } from '../../language';
import type { AnalysisCache } from './analysis';
import { toOffsetSpan, toRange } from './convert';

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly analysis: AnalysisCache) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    return codeActions(this.analysis.get(document), toOffsetSpan(document, range)).map((a) => {
      const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const e of a.edits) action.edit.replace(document.uri, toRange(document, e.span), e.newText);
      if (a.diagnostic) {
        // The editor's own copy of the diagnostic, so Problems lists the fix against it.
        const where = toRange(document, a.diagnostic);
        const message = a.diagnostic.message;
        action.diagnostics = context.diagnostics.filter((d) => d.range.isEqual(where) && d.message === message);
      }
      action.isPreferred = a.isPreferred;
      return action;
    });
  }
}
