// The NUMA Lab language server: the language service (src/language/service) over LSP, for VS Code
// (through vscode-languageclient) and any other editor (Neovim, Helix, Emacs). One compilation per
// document version and budget is shared by diagnostics and every request.
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind, DiagnosticSeverity, ErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments,
  type CodeAction, type Connection, type Diagnostic, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  codeActions, compile, complete, definition, documentSymbols, format, hover, prepareRename, references, rename,
  type Compilation,
} from '../language';
import { COMPLETION_KINDS, changedRegion, toDiagnostic, toDocumentSymbol, toOffsetSpan, toRange } from './convert';
import { CHECK_DOCUMENT_REQUEST, COMPLETION_TRIGGERS, budgetOf, type CheckDocumentParams, type CheckDocumentResult } from './protocol';
import { DIAGNOSTICS_DEBOUNCE_MS, DiagnosticsScheduler } from './scheduler';

export interface ServerOptions {
  /** How long after the last edit a document is checked (ms). */
  debounceMs?: number;
}

/** A scenario's file name for messages: the path of a file: URI, else the URI itself (untitled:). */
function fileNameOf(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try { return fileURLToPath(uri); } catch { return uri; }
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let budget = 1;
  const cache = new Map<string, { version: number; budget: number; compilation: Compilation }>();

  const analysis = (document: TextDocument): Compilation => {
    const hit = cache.get(document.uri);
    if (hit && hit.version === document.version && hit.budget === budget) return hit.compilation;
    const compilation = compile(document.getText(), fileNameOf(document.uri), { budget });
    cache.set(document.uri, { version: document.version, budget, compilation });
    return compilation;
  };
  const documentOf = (uri: string): TextDocument => {
    const d = documents.get(uri);
    // Every request names an open document; anything else is the client's mistake, said plainly.
    if (!d) throw new ResponseError(ErrorCodes.InvalidParams, `document not open: ${uri}`);
    return d;
  };

  const published = new Map<string, Diagnostic[]>();
  const scheduler = new DiagnosticsScheduler<Diagnostic>({
    current: (uri) => { const d = documents.get(uri); return d ? { version: d.version, text: d.getText() } : undefined; },
    check: (uri) => { const d = documentOf(uri); return analysis(d).diagnostics.map((x) => toDiagnostic(d, x)); },
    crashed: (message) => [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message, severity: DiagnosticSeverity.Error, source: 'numa' }],
    publish: (uri, version, diagnostics) => {
      if (version === undefined) published.delete(uri);
      else published.set(uri, diagnostics);
      void connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics });
    },
  }, options.debounceMs ?? DIAGNOSTICS_DEBOUNCE_MS);

  /** A new budget changes what every open document's check says: check them all at once. */
  const setBudget = (settings: unknown) => {
    const next = budgetOf(settings) ?? 1;
    if (next === budget) return;
    budget = next;
    for (const d of documents.all()) void scheduler.checkNow(d.uri);
  };

  connection.onInitialize((params): InitializeResult => {
    budget = budgetOf(params.initializationOptions) ?? 1;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        documentSymbolProvider: { label: 'NUMA scenario' },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'numa-lab' },
    };
  });
  // `settings: null` only says "something changed" (clients without a section to send): keep the budget.
  connection.onDidChangeConfiguration((p) => { if (p.settings != null) setBudget(p.settings); });

  documents.onDidOpen((e) => scheduler.schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => scheduler.schedule(e.document.uri));
  documents.onDidClose((e) => { cache.delete(e.document.uri); scheduler.forget(e.document.uri); });

  connection.onRequest(CHECK_DOCUMENT_REQUEST, async (p: CheckDocumentParams): Promise<CheckDocumentResult> => {
    documentOf(p.uri);
    await scheduler.checkNow(p.uri);
    return { messages: (published.get(p.uri) ?? []).map((d) => d.message) };
  });

  connection.onCompletion((p) => {
    const d = documentOf(p.textDocument.uri);
    return complete(analysis(d), d.offsetAt(p.position)).map((it) => ({
      label: it.label,
      kind: COMPLETION_KINDS[it.kind],
      ...(it.detail !== undefined ? { detail: it.detail } : {}),
      ...(it.documentation ? { documentation: { kind: 'markdown' as const, value: it.documentation } } : {}),
      // The item replaces the whole word (a dotted knob prefix included), not only what follows a dot.
      textEdit: { range: toRange(d, it.span), newText: it.insertText ?? it.label },
    }));
  });

  connection.onHover((p) => {
    const d = documentOf(p.textDocument.uri);
    const h = hover(analysis(d), d.offsetAt(p.position));
    return h ? { contents: { kind: 'markdown', value: h.markdown }, range: toRange(d, h.span) } : null;
  });

  connection.onDefinition((p) => {
    const d = documentOf(p.textDocument.uri);
    const span = definition(analysis(d), d.offsetAt(p.position));
    return span ? { uri: d.uri, range: toRange(d, span) } : null;
  });

  connection.onReferences((p) => {
    const d = documentOf(p.textDocument.uri);
    return references(analysis(d), d.offsetAt(p.position), p.context.includeDeclaration).map((span) => ({ uri: d.uri, range: toRange(d, span) }));
  });

  connection.onPrepareRename((p) => {
    const d = documentOf(p.textDocument.uri);
    const r = prepareRename(analysis(d), d.offsetAt(p.position));
    // An error (not null) so the editor shows why this place cannot be renamed.
    if (!r) throw new ResponseError(ErrorCodes.InvalidRequest, 'Only workload, cgroup, variant and region names defined in this file can be renamed.');
    return { range: toRange(d, r.span), placeholder: r.placeholder };
  });

  connection.onRenameRequest((p) => {
    const d = documentOf(p.textDocument.uri);
    const r = rename(analysis(d), d.offsetAt(p.position), p.newName);
    if ('error' in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
    return { changes: { [d.uri]: r.edits.map((e) => ({ range: toRange(d, e.span), newText: e.newText })) } };
  });

  connection.onDocumentSymbol((p) => {
    const d = documentOf(p.textDocument.uri);
    return documentSymbols(analysis(d)).map((s) => toDocumentSymbol(d, s));
  });

  connection.onDocumentFormatting((p) => {
    const d = documentOf(p.textDocument.uri);
    const text = d.getText();
    const formatted = format(text);
    return formatted === text ? [] : [changedRegion(d, text, formatted)];
  });

  connection.onCodeAction((p): CodeAction[] => {
    if (p.context.only && !p.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
    const d = documentOf(p.textDocument.uri);
    return codeActions(analysis(d), toOffsetSpan(d, p.range)).map((a) => {
      const where = a.diagnostic && toRange(d, a.diagnostic);
      // The client's own copy of the diagnostic, so its problem list shows the fix against it.
      const diagnostics = where ? p.context.diagnostics.filter((x) => sameRange(x.range, where) && x.message === a.diagnostic!.message) : [];
      return {
        title: a.title,
        kind: CodeActionKind.QuickFix,
        edit: { changes: { [d.uri]: a.edits.map((e) => ({ range: toRange(d, e.span), newText: e.newText })) } },
        ...(diagnostics.length ? { diagnostics } : {}),
        isPreferred: a.isPreferred,
      };
    });
  });

  connection.onShutdown(() => scheduler.dispose());
  documents.listen(connection);
  connection.listen();
}

function sameRange(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
