// Diagnostics while typing, through the language client, on real documents in the extension host:
// a burst of edits ends showing the final text's problems (none left from the texts in between),
// and a closed document's problems go. The scheduler's timing guarantees themselves (one check per
// burst, no re-check of identical text, no stale overwrite) are tested on the server, in
// test/unit/lsp/scheduler.test.ts.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAllEditors, openText, positionOf, waitFor } from './helpers';

const SMALL = 'machine preset two-socket\n\nkernel {\n  vm.swappiness = 10\n}\n\nworkload app {\n  node = 0\n  at 0 s  alloc heap 1 GiB\n}\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('diagnostics through the language server', () => {
  afterEach(closeAllEditors);

  it('ends a burst of edits with the final text\'s problems only', async () => {
    const editor = await openText(SMALL);
    await editor.edit((b) => b.insert(positionOf(editor.document, 'swappiness'), 'x'));
    await editor.edit((b) => b.replace(new vscode.Range(positionOf(editor.document, '10'), positionOf(editor.document, '10', { offset: 2 })), '900'));
    await editor.edit((b) => b.delete(new vscode.Range(positionOf(editor.document, 'xswappiness'), positionOf(editor.document, 'swappiness'))));
    assert.match(editor.document.getText(), /vm\.swappiness = 900/);
    const found = await waitFor('the out-of-range diagnostic', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri);
      return d.some((x) => /between 0 and 200/.test(x.message)) ? d : undefined;
    });
    await sleep(600); // longer than the debounce: nothing from an older text may arrive after
    const now = vscode.languages.getDiagnostics(editor.document.uri);
    assert.deepStrictEqual(now.map((d) => d.message), found.map((d) => d.message));
    assert.strictEqual(now.length, 1, now.map((d) => d.message).join('; '));
    assert.strictEqual(now[0].source, 'numa');
  });

  it('drops a document\'s diagnostics when it closes', async () => {
    const editor = await openText(SMALL.replace('= 10', '= 900'));
    const uri = editor.document.uri;
    await waitFor('published diagnostics', () => vscode.languages.getDiagnostics(uri).length > 0);
    await closeAllEditors();
    // An untitled document closes with its editor once it is reverted.
    await waitFor('the diagnostics to be dropped', () => vscode.languages.getDiagnostics(uri).length === 0, 20000);
  });
});
