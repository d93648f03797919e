// Conversions between the language library's shapes and VS Code's. The library speaks in UTF-16
// offsets into the text (what TextDocument.positionAt/offsetAt use too), so ranges go through the
// document and never through hand-made line/column arithmetic.
import * as vscode from 'vscode';

export interface OffsetSpan {
  start: number;
  end: number;
}

export function toRange(document: vscode.TextDocument, span: OffsetSpan): vscode.Range {
  return new vscode.Range(document.positionAt(span.start), document.positionAt(Math.max(span.start, span.end)));
}

export function toOffsetSpan(document: vscode.TextDocument, range: vscode.Range): OffsetSpan {
  return { start: document.offsetAt(range.start), end: document.offsetAt(range.end) };
}

export function toSeverity(severity: string): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error': return vscode.DiagnosticSeverity.Error;
    case 'warning': return vscode.DiagnosticSeverity.Warning;
    case 'hint': return vscode.DiagnosticSeverity.Hint;
    default: return vscode.DiagnosticSeverity.Information;
  }
}
