// Shared helpers of the extension-host suites (they run inside a real VS Code extension host).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

/** The repository root: this file is compiled to out/test/extension/. */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const EXAMPLES = path.join(REPO, 'examples');
export const EXTENSION_ID = 'numa-lab.numa-lab';

/** Opens an example scenario in an editor and waits until the extension is active. */
export async function openExample(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(path.join(EXAMPLES, name));
  const editor = await vscode.window.showTextDocument(document);
  await activateExtension();
  return editor;
}

let untitledCount = 0;

/** Opens unsaved scenario text (an untitled document) in an editor, each at a name of its own:
 *  VS Code gives the next untitled document the name (Untitled-1) of one closed an instant
 *  before, and in two CI runs at load 8 the editor then still showed the closed document's
 *  diagnostics for the new one, so a test read another test's problems. */
export async function openText(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(`untitled:scenario-${++untitledCount}.numa`));
  // The text goes in through the workspace, not the editor: TextEditor.edit resolves false, leaving
  // the document empty, when its editor is no longer the visible one, which a loaded machine may
  // reach between two awaits (a suspect for one refused-run failure at CI load 7).
  const insert = new vscode.WorkspaceEdit();
  insert.insert(document.uri, new vscode.Position(0, 0), content);
  assert.ok(await vscode.workspace.applyEdit(insert), `could not insert the scenario into ${document.uri}`);
  assert.strictEqual(document.getText(), content);
  const editor = await vscode.window.showTextDocument(document);
  assert.strictEqual(document.languageId, 'numa');
  await activateExtension();
  // Editor commands act on the focused editor: make sure it is this one.
  await waitFor('the new editor to be active', () => vscode.window.activeTextEditor?.document === document);
  // VS Code guesses a file's indentation when it opens with its text; this one opened empty.
  await vscode.commands.executeCommand('editor.action.detectIndentation');
  return editor;
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this extension host`);
  await ext.activate();
  return ext;
}

/** Polls until `fn` returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The 0-based position of the first occurrence of `needle` (after `after`, if given), plus `offset`. */
export function positionOf(document: vscode.TextDocument, needle: string, { after, offset = 0 }: { after?: string; offset?: number } = {}): vscode.Position {
  const text = document.getText();
  const from = after === undefined ? 0 : text.indexOf(after);
  assert.ok(from >= 0, `"${after}" not found`);
  const at = text.indexOf(needle, from);
  assert.ok(at >= 0, `"${needle}" not found`);
  return document.positionAt(at + offset);
}

/** Reverts unsaved documents and closes every tab (text, preview, webview), so no "save changes?"
 *  dialog interrupts the next test and nothing it left open keeps the focus. */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty) continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs));
}
