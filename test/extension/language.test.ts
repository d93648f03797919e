// The language features as VS Code itself calls them (vscode.execute*Provider), inside a real
// extension host, on the example scenarios and on the e2e fixture with a misspelt knob.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { format } from '../../src/language';
import { knob } from '../../src/language/schema';
import { Commands } from '../../src/extension/language/ids';
import { REPO, closeAllEditors, openExample, openText, positionOf, waitFor } from './helpers';

const EXAMPLES = ['zone-reclaim.numa', 'thp-numa.numa', 'tiering.numa', 'deferred-split.numa'];
const TYPO_FIXTURE = path.join(REPO, 'test', 'e2e', 'fixtures', 'typo-knob.numa');
/** The smallest scenario the checker accepts without a warning. */
const SMALL = 'machine preset two-socket\n\nkernel {\n  vm.swappiness = 10\n}\n\nworkload app {\n  node = 0\n  at 0 s  alloc heap 1 GiB\n}\n';

async function checkedDiagnostics(document: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
  await vscode.commands.executeCommand(Commands.checkDocument);
  return vscode.languages.getDiagnostics(document.uri);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('language features in the extension host', () => {
  afterEach(closeAllEditors);

  describe('diagnostics', () => {
    for (const name of EXAMPLES) {
      it(`${name} has no diagnostics`, async () => {
        const editor = await openExample(name);
        const found = await checkedDiagnostics(editor.document);
        assert.deepStrictEqual(found.map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
      });
    }

    it('reports the misspelt knob at its line and column, with its code', async () => {
      const document = await vscode.workspace.openTextDocument(TYPO_FIXTURE);
      await vscode.window.showTextDocument(document);
      const found = await checkedDiagnostics(document);
      assert.strictEqual(found.length, 1, JSON.stringify(found.map((d) => d.message)));
      const [d] = found;
      const at = positionOf(document, 'vm.zone_reclam_mode');
      assert.deepStrictEqual([d.range.start.line, d.range.start.character], [at.line, at.character]);
      assert.strictEqual(d.range.end.character, at.character + 'vm.zone_reclam_mode'.length);
      assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
      assert.strictEqual(d.code, 'unknown-knob');
      assert.match(d.message, /did you mean 'vm\.zone_reclaim_mode'/);
    });

    it('reports a scenario over budget at its run block, as check and run do', async () => {
      // 12 nodes x 14 variants x 100,000 samples: about 740 MiB of result.
      const nodes = Array.from({ length: 12 }, (_, i) => `  node ${i} { memory = 4 GiB  cpus = ${2 * i}-${2 * i + 1} }`).join('\n');
      const variants = Array.from({ length: 14 }, (_, i) => `variant v${i} { vm.swappiness = ${i} }`).join('\n');
      const editor = await openText(`machine {\n${nodes}\n}\nworkload w {\n  at 0 s alloc a 1 GiB\n}\nrun {\n  duration = 100 s\n  sample = 1 ms\n}\n${variants}\n`);
      const found = await checkedDiagnostics(editor.document);
      // Both limits are over: the result's size, and the work (100,000 steps of 1 ms: the step
      // follows the sample interval, not the duration).
      const budget = found.filter((d) => d.code === 'budget');
      assert.strictEqual(budget.length, 2, JSON.stringify(found.map((d) => d.message)));
      const at = positionOf(editor.document, 'run {');
      for (const d of budget) {
        assert.deepStrictEqual([d.range.start.line, d.range.start.character, d.range.end.character], [at.line, 0, 3]);
        assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
      }
      assert.match(budget[0].message, /the result would be about \d+ MiB .* longer 'sample' interval.*numaLab\.budget setting.*--budget \d/);
      assert.match(budget[1].message, /the run would simulate about [\d,]+ units of work .*numaLab\.budget setting.*--budget \d/);
      // The setting raises the budget as --budget does, and the open file is checked again at once.
      const config = vscode.workspace.getConfiguration();
      await config.update('numaLab.budget', 10, vscode.ConfigurationTarget.Global);
      try {
        await waitFor('the budget error to go', () => !vscode.languages.getDiagnostics(editor.document.uri).some((d) => d.code === 'budget'));
      } finally {
        await config.update('numaLab.budget', undefined, vscode.ConfigurationTarget.Global);
      }
      await waitFor('the budget error to come back', () => vscode.languages.getDiagnostics(editor.document.uri).some((d) => d.code === 'budget'));
    });

    it('reports several syntax errors in one file, not only the first', async () => {
      const editor = await openText('kernel {\n  vm.swappiness = = 10\n}\nrun {\n  duration = 10 s\n  seed = }\n}\n');
      const found = await checkedDiagnostics(editor.document);
      const lines = new Set(found.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.range.start.line));
      assert.ok(lines.size >= 2, `errors on lines ${[...lines].map((l) => l + 1)}: ${found.map((d) => d.message).join('; ')}`);
    });

    it('shows a new error after the debounce, without saving', async () => {
      const editor = await openText(SMALL);
      assert.deepStrictEqual(await checkedDiagnostics(editor.document), []);
      const value = positionOf(editor.document, '10', { after: 'swappiness' });
      await editor.edit((b) => b.replace(new vscode.Range(value, value.translate(0, 2)), '900'));
      const found = await waitFor('a diagnostic for the out-of-range value', () => {
        const d = vscode.languages.getDiagnostics(editor.document.uri);
        return d.length > 0 ? d : undefined;
      }, 5000);
      assert.strictEqual(found.length, 1);
      assert.deepStrictEqual(found[0].range, new vscode.Range(value, value.translate(0, 3)));
      assert.match(found[0].message, /between 0 and 200/);
    });
  });

  describe('completion', () => {
    it('offers knobs by their full dotted name in a kernel block', async () => {
      const editor = await openText('kernel {\n  vm.swap\n}\n');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(1, 9));
      const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'vm.swappiness');
      assert.ok(item, `labels: ${list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).slice(0, 30).join(', ')}`);
      assert.strictEqual(item.kind, vscode.CompletionItemKind.Property);
      // The item replaces the whole dotted prefix, not only the part after the dot.
      const range = item.range instanceof vscode.Range ? item.range : item.range?.replacing;
      assert.ok(range && range.start.character === 2 && range.end.character === 9, `range ${JSON.stringify(range)}`);
    });

    it('offers the allowed values of an enum knob', async () => {
      const editor = await openText('kernel {\n  transparent_hugepage.enabled = \n}\n');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(1, 33));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const v of ['always', 'madvise', 'never']) assert.ok(labels.includes(v), `${v} missing from ${labels.join(', ')}`);
    });

    it('offers the workloads a variant can override', async () => {
      const editor = await openExample('zone-reclaim.numa');
      const at = positionOf(editor.document, 'app { mempolicy = bind(0) }');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider', editor.document.uri, at);
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('app') && labels.includes('cache_filler'), labels.join(', '));
    });
  });

  describe('hover', () => {
    it('documents a knob from the schema: meaning, default and kernel name', async () => {
      const editor = await openExample('zone-reclaim.numa');
      const at = positionOf(editor.document, 'vm.zone_reclaim_mode', { after: 'kernel {', offset: 4 });
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at);
      const text = hoverText(hovers);
      const k = knob('vm.zone_reclaim_mode');
      assert.ok(k);
      assert.ok(text.includes(k.doc), text);
      assert.ok(text.includes(k.kernelName), text);
      assert.ok(hovers[0].range?.contains(at));
    });

    it('explains a quantity in base units', async () => {
      const editor = await openExample('zone-reclaim.numa');
      const at = positionOf(editor.document, '125 GB', { after: 'node 0', offset: 1 });
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at));
      assert.match(text, /125,000,000,000|125000000000/);
    });
  });

  describe('navigation', () => {
    it('goes from a variant override to the workload definition', async () => {
      const editor = await openExample('zone-reclaim.numa');
      const use = positionOf(editor.document, 'app { mempolicy = bind(0) }');
      const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider', editor.document.uri, use);
      assert.strictEqual(defs.length, 1);
      const range = 'targetRange' in defs[0] ? defs[0].targetSelectionRange ?? defs[0].targetRange : defs[0].range;
      assert.deepStrictEqual(range.start, positionOf(editor.document, 'app {'));
    });

    it('finds every reference of a workload and renames them all', async () => {
      const editor = await openExample('zone-reclaim.numa');
      const def = positionOf(editor.document, 'app {');
      const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', editor.document.uri, def);
      assert.ok(refs.length >= 2, `references: ${refs.length}`);
      for (const r of refs) assert.strictEqual(editor.document.getText(r.range), 'app');

      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', editor.document.uri, def, 'database');
      const edits = edit.get(editor.document.uri);
      assert.strictEqual(edits.length, refs.length);
      assert.ok(edits.every((e) => e.newText === 'database' && editor.document.getText(e.range) === 'app'));
    });

    it('refuses to rename a keyword', async () => {
      const editor = await openExample('zone-reclaim.numa');
      const at = positionOf(editor.document, 'kernel {');
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', editor.document.uri, at, 'x')));
    });

    it('outlines machine, workloads and variants', async () => {
      const editor = await openExample('zone-reclaim.numa');
      const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      const names = (list: vscode.DocumentSymbol[]): string[] => list.flatMap((s) => [s.name, ...names(s.children)]);
      const all = names(symbols);
      for (const n of ['cache_filler', 'app', 'zrm-off', 'zrm-on', 'membind']) assert.ok(all.some((x) => x.includes(n)), `${n} not in ${all.join(', ')}`);
      for (const s of symbols) assert.ok(s.range.contains(s.selectionRange));
    });
  });

  describe('formatting', () => {
    for (const name of EXAMPLES) {
      it(`leaves ${name} as the formatter lays it out`, async () => {
        const editor = await openExample(name);
        const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider',
          editor.document.uri, { tabSize: 2, insertSpaces: true });
        const text = editor.document.getText();
        assert.strictEqual(applyEdits(editor.document, text, edits ?? []), format(text));
      });
    }

    it('lays out a cramped scenario', async () => {
      const cramped = 'machine preset two-socket\nkernel {\nvm.swappiness=10\n      vm.zone_reclaim_mode   =   1\n}\nrun { duration = 10 s }\n';
      const editor = await openText(cramped);
      const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider',
        editor.document.uri, { tabSize: 2, insertSpaces: true });
      assert.ok(edits && edits.length > 0, 'no formatting edits');
      const applied = new vscode.WorkspaceEdit();
      for (const e of edits) applied.replace(editor.document.uri, e.range, e.newText);
      assert.ok(await vscode.workspace.applyEdit(applied));
      assert.strictEqual(editor.document.getText(), format(cramped));
      assert.match(editor.document.getText(), /^ {2}vm\.swappiness = 10$/m);
    });
  });

  describe('quick fixes', () => {
    it('fixes the misspelt knob and the error goes away', async () => {
      const original = await vscode.workspace.openTextDocument(TYPO_FIXTURE);
      // Work on an unsaved copy: the fixture on disk stays as it is.
      const editor = await openText(original.getText());
      const at = positionOf(editor.document, 'vm.zone_reclam_mode', { offset: 3 });
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider',
        editor.document.uri, new vscode.Range(at, at), vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title.includes("'vm.zone_reclaim_mode'"));
      assert.ok(fix?.edit, `actions: ${actions.map((a) => a.title).join(', ')}`);
      assert.strictEqual(fix.isPreferred, true);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.strictEqual(editor.document.lineAt(at.line).text, '  vm.zone_reclaim_mode = 1');
      assert.deepStrictEqual(await checkedDiagnostics(editor.document), []);
    });
  });
});

/** Applies non-overlapping text edits to `text` (last first, so offsets stay valid). */
function applyEdits(document: vscode.TextDocument, text: string, edits: vscode.TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => document.offsetAt(b.range.start) - document.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, document.offsetAt(e.range.start)) + e.newText + out.slice(document.offsetAt(e.range.end));
  return out;
}
