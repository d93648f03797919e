// Hover: the language service's markdown for knobs (meaning, unit, default, kernel name), units,
// keywords and the names a scenario defines.
import * as vscode from 'vscode';
import { hover } from '../../language';
import type { AnalysisCache } from './analysis';
import { toRange } from './convert';

export class NumaHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analysis: AnalysisCache) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const h = hover(this.analysis.get(document), document.offsetAt(position));
    return h ? new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(document, h.span)) : undefined;
  }
}
