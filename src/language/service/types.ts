// Editor-neutral shapes the language service returns. Positions are offsets into the text; the
// language server (src/lsp/convert.ts) turns them into LSP positions, so nothing here depends on an editor.

import type { Span } from '../ast';

export type CompletionKind =
  | 'keyword' | 'knob' | 'setting' | 'value' | 'node' | 'workload' | 'cgroup' | 'variant'
  | 'region' | 'action' | 'pattern' | 'metric' | 'preset' | 'mempolicy' | 'unit';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** Short text beside the label: a unit and default, a setting's meaning. */
  detail?: string;
  /** Markdown shown in the details pane. */
  documentation?: string;
  /** Text to insert when it differs from the label. */
  insertText?: string;
  /** The text the item replaces (the word under the cursor, possibly empty). */
  span: Span;
}

export interface Hover {
  markdown: string;
  span: Span;
}

export interface TextEdit {
  span: Span;
  newText: string;
}

export type SymbolKindName =
  | 'scenario' | 'machine' | 'node' | 'matrix' | 'swap' | 'kernel' | 'costs' | 'run' | 'cgroup'
  | 'workload' | 'phase' | 'variant' | 'override' | 'sweep' | 'expect';

export interface DocumentSymbol {
  name: string;
  detail: string;
  kind: SymbolKindName;
  /** The whole item. */
  span: Span;
  /** The part to reveal and highlight: the name, or the keyword when there is none. */
  selectionSpan: Span;
  children: DocumentSymbol[];
}

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  edits: TextEdit[];
  /** The diagnostic the action fixes, by its span and message. */
  diagnostic?: { start: number; end: number; message: string; code: string };
  isPreferred: boolean;
}

export interface CodeLensTarget {
  kind: 'scenario' | 'variant' | 'sweep';
  /** Variant name, sweep knob, or the scenario title. */
  name: string;
  span: Span;
}
