// Between the language service's shapes (UTF-16 offsets into the text) and LSP's (line and
// character, also UTF-16). Positions go through the TextDocument, never hand-made arithmetic.
import {
  CompletionItemKind, DiagnosticSeverity, SymbolKind,
  type Diagnostic, type DocumentSymbol, type Range, type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionKind, Diagnostic as NumaDiagnostic, DocumentSymbol as NumaSymbol, SymbolKindName } from '../language';

export interface OffsetSpan {
  start: number;
  end: number;
}

export function toRange(document: TextDocument, span: OffsetSpan): Range {
  return { start: document.positionAt(span.start), end: document.positionAt(Math.max(span.start, span.end)) };
}

export function toOffsetSpan(document: TextDocument, range: Range): OffsetSpan {
  return { start: document.offsetAt(range.start), end: document.offsetAt(range.end) };
}

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(document: TextDocument, d: NumaDiagnostic): Diagnostic {
  return { range: toRange(document, d), message: d.message, severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Information, source: 'numa', code: d.code };
}

export const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  knob: CompletionItemKind.Property,
  setting: CompletionItemKind.Field,
  value: CompletionItemKind.EnumMember,
  node: CompletionItemKind.Constant,
  workload: CompletionItemKind.Class,
  cgroup: CompletionItemKind.Module,
  variant: CompletionItemKind.Variable,
  region: CompletionItemKind.Variable,
  action: CompletionItemKind.Function,
  pattern: CompletionItemKind.EnumMember,
  metric: CompletionItemKind.Field,
  preset: CompletionItemKind.Constant,
  mempolicy: CompletionItemKind.Function,
  unit: CompletionItemKind.Unit,
};

const SYMBOL_KINDS: Record<SymbolKindName, SymbolKind> = {
  scenario: SymbolKind.File,
  machine: SymbolKind.Module,
  node: SymbolKind.Object,
  matrix: SymbolKind.Array,
  swap: SymbolKind.Object,
  kernel: SymbolKind.Namespace,
  costs: SymbolKind.Namespace,
  run: SymbolKind.Namespace,
  cgroup: SymbolKind.Package,
  workload: SymbolKind.Class,
  phase: SymbolKind.Event,
  variant: SymbolKind.Variable,
  override: SymbolKind.Object,
  sweep: SymbolKind.Array,
  expect: SymbolKind.Boolean,
};

export function toDocumentSymbol(document: TextDocument, s: NumaSymbol): DocumentSymbol {
  // LSP requires the selection range to lie inside the full range.
  const inside = s.selectionSpan.start >= s.span.start && s.selectionSpan.end <= s.span.end;
  return {
    name: s.name || s.kind,
    detail: s.detail,
    kind: SYMBOL_KINDS[s.kind] ?? SymbolKind.Object,
    range: toRange(document, s.span),
    selectionRange: toRange(document, inside ? s.selectionSpan : s.span),
    children: s.children.map((c) => toDocumentSymbol(document, c)),
  };
}

/** One edit replacing the smallest middle part of `before` that turns it into `after`, so the
 *  cursor and folding elsewhere stay put when a client applies a formatting result. */
export function changedRegion(document: TextDocument, before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  // Never split a surrogate pair or a CRLF: widen the region to whole characters and line ends.
  const splits = (text: string, i: number) => i > 0 && i < text.length
    && ((/[\uD800-\uDBFF]/.test(text[i - 1]) && /[\uDC00-\uDFFF]/.test(text[i])) || (text[i - 1] === '\r' && text[i] === '\n'));
  while (splits(before, start)) start--;
  while (splits(before, endBefore) || splits(after, endAfter)) { endBefore++; endAfter++; }
  return { range: toRange(document, { start, end: endBefore }), newText: after.slice(start, endAfter) };
}
