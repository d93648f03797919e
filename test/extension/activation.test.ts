// The extension activates on a .numa file and contributes the language, its configuration and its
// commands, inside a real extension host.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/language/ids';
import { KNOBS } from '../../src/language/schema';
import { EXTENSION_ID, closeAllEditors, openExample, openText } from './helpers';

describe('activation', () => {
  afterEach(closeAllEditors);

  it('opens every example as the numa language and activates the extension', async () => {
    for (const name of ['zone-reclaim.numa', 'thp-numa.numa', 'tiering.numa', 'deferred-split.numa']) {
      const editor = await openExample(name);
      assert.strictEqual(editor.document.languageId, 'numa', name);
    }
    assert.strictEqual(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  it('registers the language commands', async () => {
    await openExample('zone-reclaim.numa');
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(Commands)) assert.ok(all.has(id), `command ${id} is not registered`);
  });

  it('shows the language reference generated from the schema', async () => {
    await openExample('zone-reclaim.numa');
    const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.showReference);
    assert.ok(uri, 'the command returns the reference file it previews');
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    for (const k of KNOBS) assert.ok(text.includes(`\`${k.name}\``), `${k.name} missing from the reference`);
    const previews = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
    assert.ok(previews.length > 0, 'no markdown preview tab opened');
  });

  it('toggles a line comment with #, from the language configuration', async () => {
    const editor = await openText('kernel {\n  vm.swappiness = 10\n}\n');
    editor.selection = new vscode.Selection(1, 4, 1, 4);
    await vscode.commands.executeCommand('editor.action.commentLine');
    assert.strictEqual(editor.document.lineAt(1).text, '  # vm.swappiness = 10');
  });
});
