// The outline (document symbols): machine and its nodes, kernel, cgroups, workloads and their
// phases, variants, sweeps and expectations.
import * as vscode from 'vscode';
import { documentSymbols, type DocumentSymbol, type SymbolKindName } from '../../language';
import type { AnalysisCache } from './analysis';
import { toRange } from './convert';

const KINDS: Record<SymbolKindName, vscode.SymbolKind> = {
  scenario: vscode.SymbolKind.File,
  machine: vscode.SymbolKind.Module,
  node: vscode.SymbolKind.Object,
  matrix: vscode.SymbolKind.Array,
  swap: vscode.SymbolKind.Object,
  kernel: vscode.SymbolKind.Namespace,
  costs: vscode.SymbolKind.Namespace,
  run: vscode.SymbolKind.Namespace,
  cgroup: vscode.SymbolKind.Package,
  workload: vscode.SymbolKind.Class,
  phase: vscode.SymbolKind.Event,
  variant: vscode.SymbolKind.Variable,
  override: vscode.SymbolKind.Object,
  sweep: vscode.SymbolKind.Array,
  expect: vscode.SymbolKind.Boolean,
};

export class NumaOutlineProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly analysis: AnalysisCache) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const convert = (s: DocumentSymbol): vscode.DocumentSymbol => {
      const range = toRange(document, s.span);
      // VS Code requires the selection range to lie inside the full range.
      const selection = range.intersection(toRange(document, s.selectionSpan)) ?? range;
      const out = new vscode.DocumentSymbol(s.name || s.kind, s.detail, KINDS[s.kind] ?? vscode.SymbolKind.Object, range, selection);
      out.children = s.children.map(convert);
      return out;
    };
    return documentSymbols(this.analysis.get(document)).map(convert);
  }
}
