// Go to definition, find references and rename for nodes, workloads, cgroups, variants and regions.
import * as vscode from 'vscode';
import { definition, prepareRename, references, rename } from '../../language';
import type { AnalysisCache } from './analysis';
import { toRange } from './convert';

export class NumaNavigationProvider implements vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.RenameProvider {
  constructor(private readonly analysis: AnalysisCache) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    const span = definition(this.analysis.get(document), document.offsetAt(position));
    return span ? new vscode.Location(document.uri, toRange(document, span)) : undefined;
  }

  provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] {
    return references(this.analysis.get(document), document.offsetAt(position), context.includeDeclaration)
      .map((span) => new vscode.Location(document.uri, toRange(document, span)));
  }

  prepareRename(document: vscode.TextDocument, position: vscode.Position): { range: vscode.Range; placeholder: string } {
    const r = prepareRename(this.analysis.get(document), document.offsetAt(position));
    // Throwing is how a rename provider tells the user why this place cannot be renamed.
    if (!r) throw new Error('Only workload, cgroup, variant and region names defined in this file can be renamed.');
    return { range: toRange(document, r.span), placeholder: r.placeholder };
  }

  provideRenameEdits(document: vscode.TextDocument, position: vscode.Position, newName: string): vscode.WorkspaceEdit {
    const r = rename(this.analysis.get(document), document.offsetAt(position), newName);
    if ('error' in r) throw new Error(r.error);
    const edit = new vscode.WorkspaceEdit();
    for (const e of r.edits) edit.replace(document.uri, toRange(document, e.span), e.newText);
    return edit;
  }
}
