// The language server as an editor talks to it: LSP messages over a pair of in-memory streams, on
// the example scenarios and the e2e fixture with a misspelt knob. Each of the nine features, the
// budget from initializationOptions and didChangeConfiguration, and the explicit check request.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind, CompletionItemKind, createConnection, createProtocolConnection, DiagnosticSeverity,
  PublishDiagnosticsNotification, StreamMessageReader, StreamMessageWriter,
  type CodeAction, type CompletionItem, type Diagnostic, type DocumentSymbol, type Hover, type Location, type MarkupContent,
  type ProtocolConnection, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { format } from '../../../src/language';
import { knob } from '../../../src/language/schema';
import { startServer } from '../../../src/lsp/server';
import { CHECK_DOCUMENT_REQUEST, type CheckDocumentResult } from '../../../src/lsp/protocol';
import { ROOT } from '../language/helpers';

const EXAMPLE = path.join(ROOT, 'examples', 'zone-reclaim.numa');
const TYPO = path.join(ROOT, 'test', 'e2e', 'fixtures', 'typo-knob.numa');
const uriOf = (file: string) => pathToFileURL(file).href;

/** Line and character of the first `needle` (after `after`), plus `offset` characters. */
function pos(text: string, needle: string, { after, offset = 0 }: { after?: string; offset?: number } = {}) {
  const at = text.indexOf(needle, after === undefined ? 0 : text.indexOf(after));
  assert.ok(at >= 0, `${needle} not found`);
  const lines = text.slice(0, at + offset).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}
const slice = (text: string, r: Range) => {
  const lines = text.split('\n');
  assert.equal(r.start.line, r.end.line);
  return lines[r.start.line].slice(r.start.character, r.end.character);
};

/** A server on in-memory streams and a client connection to it, initialised with `initializationOptions`. */
async function connect(initializationOptions?: unknown) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), { debounceMs: 20 });
  const client: ProtocolConnection = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published = new Map<string, Diagnostic[]>();
  const listeners: (() => void)[] = [];
  client.onNotification(PublishDiagnosticsNotification.type, (p) => { published.set(p.uri, p.diagnostics); listeners.forEach((l) => l()); });
  client.listen();
  const init = await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions });
  await client.sendNotification('initialized', {});
  let version = 1;
  const open = async (uri: string, text: string) => client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'numa', version: 1, text } });
  const change = async (uri: string, text: string) => client.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
  /** Resolves with the next diagnostics published for `uri` that satisfy `ok`. */
  const diagnostics = (uri: string, ok: (d: Diagnostic[]) => boolean = () => true) => new Promise<Diagnostic[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}: ${JSON.stringify(published.get(uri))}`)), 10000);
    const look = () => { const d = published.get(uri); if (d && ok(d)) { clearTimeout(timer); resolve(d); } };
    listeners.push(look);
    look();
  });
  const close = () => { client.dispose(); toServer.end(); toClient.end(); };
  return { client, init, open, change, diagnostics, close };
}

describe('language server (LSP over streams)', function () {
  this.timeout(30000);
  let s: Awaited<ReturnType<typeof connect>>;
  const example = readFileSync(EXAMPLE, 'utf8');
  const typo = readFileSync(TYPO, 'utf8');
  const at = (uri: string, position: { line: number; character: number }) => ({ textDocument: { uri }, position });
  beforeEach(async () => { s = await connect(); });
  afterEach(() => s.close());

  it('announces the nine features it serves', () => {
    const c = (s.init as { capabilities: Record<string, unknown> }).capabilities;
    for (const k of ['completionProvider', 'hoverProvider', 'definitionProvider', 'referencesProvider', 'renameProvider',
      'documentFormattingProvider', 'documentSymbolProvider', 'codeActionProvider', 'textDocumentSync']) assert.ok(c[k], `${k} missing`);
  });

  it('publishes nothing wrong for an example and one error for the misspelt knob, at its line and column', async () => {
    await s.open(uriOf(EXAMPLE), example);
    assert.deepEqual(await s.diagnostics(uriOf(EXAMPLE)), []);
    await s.open(uriOf(TYPO), typo);
    const [d, ...rest] = await s.diagnostics(uriOf(TYPO));
    assert.deepEqual(rest, []);
    assert.deepEqual(d.range.start, pos(typo, 'vm.zone_reclam_mode'));
    assert.equal(d.range.end.character, d.range.start.character + 'vm.zone_reclam_mode'.length);
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.code, 'unknown-knob');
    assert.match(d.message, /did you mean 'vm\.zone_reclaim_mode'/);
  });

  it('checks an edit after the debounce, and the check request answers with what it published', async () => {
    const uri = 'untitled:Untitled-1';
    const small = 'machine preset two-socket\n\nkernel {\n  vm.swappiness = 10\n}\n\nworkload app {\n  node = 0\n  at 0 s  alloc heap 1 GiB\n}\n';
    await s.open(uri, small);
    assert.deepEqual(await s.diagnostics(uri), []);
    await s.change(uri, small.replace('= 10', '= 900'));
    const [d] = await s.diagnostics(uri, (x) => x.length > 0);
    assert.match(d.message, /between 0 and 200/);
    assert.deepEqual(d.range.start, pos(small, '10'));
    const r = await s.client.sendRequest<CheckDocumentResult>(CHECK_DOCUMENT_REQUEST, { uri });
    assert.deepEqual(r.messages, [d.message]);
  });

  it('takes the budget from initializationOptions and from didChangeConfiguration', async () => {
    // 12 nodes x 14 variants x 100,000 samples: about 740 MiB of result, over the default budget.
    const nodes = Array.from({ length: 12 }, (_, i) => `  node ${i} { memory = 4 GiB  cpus = ${2 * i}-${2 * i + 1} }`).join('\n');
    const variants = Array.from({ length: 14 }, (_, i) => `variant v${i} { vm.swappiness = ${i} }`).join('\n');
    const big = `machine {\n${nodes}\n}\nworkload w {\n  at 0 s alloc a 1 GiB\n}\nrun {\n  duration = 100 s\n  sample = 1 ms\n}\n${variants}\n`;
    const uri = 'untitled:big';
    const hasBudget = (d: Diagnostic[]) => d.some((x) => x.code === 'budget');
    await s.open(uri, big);
    await s.diagnostics(uri, hasBudget);
    await s.client.sendNotification('workspace/didChangeConfiguration', { settings: { numaLab: { budget: 10 } } });
    await s.diagnostics(uri, (d) => !hasBudget(d));
    // `settings: null` only says that something changed: the budget stays.
    await s.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual((await s.client.sendRequest<CheckDocumentResult>(CHECK_DOCUMENT_REQUEST, { uri })).messages, []);
    await s.client.sendNotification('workspace/didChangeConfiguration', { settings: { numaLab: { budget: 1 } } });
    await s.diagnostics(uri, hasBudget);
    s.close();
    s = await connect({ budget: 10 });
    await s.open(uri, big);
    assert.deepEqual(await s.diagnostics(uri), []);
  });

  it('completes knobs by their full dotted name, replacing the whole prefix', async () => {
    const uri = 'untitled:c';
    await s.open(uri, 'kernel {\n  vm.swap\n}\n');
    const items = await s.client.sendRequest<CompletionItem[]>('textDocument/completion', at(uri, { line: 1, character: 9 }));
    const item = items.find((i) => i.label === 'vm.swappiness');
    assert.ok(item, items.map((i) => i.label).slice(0, 20).join(', '));
    assert.equal(item.kind, CompletionItemKind.Property);
    const edit = item.textEdit as TextEdit;
    assert.deepEqual([edit.range.start.character, edit.range.end.character, edit.newText], [2, 9, 'vm.swappiness']);
  });

  it('hovers a knob with its schema documentation and kernel name', async () => {
    await s.open(uriOf(EXAMPLE), example);
    const p = pos(example, 'vm.zone_reclaim_mode', { after: 'kernel {', offset: 4 });
    const h = await s.client.sendRequest<Hover>('textDocument/hover', at(uriOf(EXAMPLE), p));
    const k = knob('vm.zone_reclaim_mode')!;
    const value = (h.contents as MarkupContent).value;
    assert.ok(value.includes(k.doc) && value.includes(k.kernelName), value);
    assert.equal(slice(example, h.range!), 'vm.zone_reclaim_mode');
  });

  it('goes to a workload\'s definition, finds its references and renames them all', async () => {
    const uri = uriOf(EXAMPLE);
    await s.open(uri, example);
    const use = pos(example, 'app { mempolicy = bind(0) }');
    const def = await s.client.sendRequest<Location>('textDocument/definition', at(uri, use));
    assert.deepEqual(def.range.start, pos(example, 'app {'));
    const refs = await s.client.sendRequest<Location[]>('textDocument/references', { ...at(uri, use), context: { includeDeclaration: true } });
    assert.ok(refs.length >= 2 && refs.every((r) => slice(example, r.range) === 'app'), JSON.stringify(refs));
    const edit = await s.client.sendRequest<WorkspaceEdit>('textDocument/rename', { ...at(uri, use), newName: 'database' });
    const edits = edit.changes![uri];
    assert.equal(edits.length, refs.length);
    assert.ok(edits.every((e) => e.newText === 'database' && slice(example, e.range) === 'app'));
  });

  it('refuses to rename a keyword, saying why', async () => {
    const uri = uriOf(EXAMPLE);
    await s.open(uri, example);
    const p = pos(example, 'kernel {');
    await assert.rejects(s.client.sendRequest('textDocument/prepareRename', at(uri, p)), /can be renamed/);
    await assert.rejects(s.client.sendRequest('textDocument/rename', { ...at(uri, p), newName: 'x' }), /nothing to rename here/);
  });

  it('outlines machine, workloads and variants, each selection inside its range', async () => {
    const uri = uriOf(EXAMPLE);
    await s.open(uri, example);
    const symbols = await s.client.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const names = (list: DocumentSymbol[]): string[] => list.flatMap((x) => [x.name, ...names(x.children ?? [])]);
    for (const n of ['cache_filler', 'app', 'zrm-off', 'zrm-on', 'membind']) assert.ok(names(symbols).some((x) => x.includes(n)), n);
    const key = (p: { line: number; character: number }) => p.line * 1e6 + p.character;
    const inside = (x: DocumentSymbol): boolean => key(x.range.start) <= key(x.selectionRange.start)
      && key(x.selectionRange.end) <= key(x.range.end) && (x.children ?? []).every(inside);
    assert.ok(symbols.every(inside));
  });

  it('formats with one edit that turns the text into what the formatter lays out', async () => {
    const cramped = 'machine preset two-socket\nkernel {\nvm.swappiness=10\n      vm.zone_reclaim_mode   =   1\n}\nrun { duration = 10 s }\n';
    const opts = { tabSize: 2, insertSpaces: true };
    for (const [uri, text] of [['untitled:f', cramped], [uriOf(EXAMPLE), example]]) {
      await s.open(uri, text);
      const edits = await s.client.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: opts });
      assert.ok(edits.length <= 1, JSON.stringify(edits));
      const lines = text.split('\n');
      const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).join('\n').length + (p.line ? 1 : 0) + p.character;
      const applied = edits.length ? text.slice(0, offset(edits[0].range.start)) + edits[0].newText + text.slice(offset(edits[0].range.end)) : text;
      assert.equal(applied, format(text), uri);
    }
    const [edit] = await s.client.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri: 'untitled:f' }, options: opts });
    assert.ok(edit && edit.range.start.line >= 1, 'the unchanged first line stays out of the edit');
  });

  it('offers the "did you mean" quick fix against the client\'s own diagnostic', async () => {
    const uri = uriOf(TYPO);
    await s.open(uri, typo);
    const diags = await s.diagnostics(uri, (d) => d.length > 0);
    const p = pos(typo, 'vm.zone_reclam_mode', { offset: 3 });
    const actions = await s.client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: { start: p, end: p }, context: { diagnostics: diags, only: [CodeActionKind.QuickFix] },
    });
    const fix = actions.find((a) => a.title.includes("'vm.zone_reclaim_mode'"));
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, diags);
    const [e] = fix.edit!.changes![uri];
    assert.equal(slice(typo, e.range), 'vm.zone_reclam_mode');
    assert.equal(e.newText, 'vm.zone_reclaim_mode');
    const refactors = await s.client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: { start: p, end: p }, context: { diagnostics: diags, only: [CodeActionKind.Refactor] },
    });
    assert.deepEqual(refactors, []);
  });

  it('answers a request for a document that is not open with an error, not a crash', async () => {
    await assert.rejects(s.client.sendRequest('textDocument/hover', at('file:///nowhere.numa', { line: 0, character: 0 })), /not open/);
    await s.open('untitled:ok', 'kernel {\n}\n');
    assert.ok(Array.isArray(await s.client.sendRequest('textDocument/completion', at('untitled:ok', { line: 1, character: 0 }))));
  });
});
