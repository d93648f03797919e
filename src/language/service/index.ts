// The language service: completion, hover, navigation, rename, outline, quick fixes, formatting
// and Run-lens targets over a Compilation. Plain TypeScript with offsets for positions; the
// language server (src/lsp) serves them to every editor, VS Code included.

export { complete, variantNames } from './complete';
export { hover } from './hover';
export { definition, references, prepareRename, rename } from './navigate';
export { documentSymbols, codeLensTargets } from './outline';
export { codeActions } from './actions';
export { format } from '../format';
export type { CompletionItem, CompletionKind, Hover, TextEdit, DocumentSymbol, SymbolKindName, CodeAction, CodeLensTarget } from './types';
