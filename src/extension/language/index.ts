// Registers the `.numa` language features: the language server's client (every editor feature has
// one implementation, in src/lsp over src/language/service), plus the language commands.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { generateReferenceDocument } from '../../language/reference';
import { checkNow, startLanguageClient } from './client';
import { Commands, NUMA_LANGUAGE_ID } from './ids';

export { Commands, NUMA_LANGUAGE_ID } from './ids';

export async function registerLanguageFeatures(context: vscode.ExtensionContext): Promise<LanguageClient> {
  context.subscriptions.push(vscode.commands.registerCommand(Commands.showReference, () => showReference(context)));
  const client = await startLanguageClient(context);
  context.subscriptions.push(vscode.commands.registerCommand(Commands.checkDocument, async () => {
    const document = vscode.window.activeTextEditor?.document;
    if (document?.languageId === NUMA_LANGUAGE_ID) await checkNow(client, document);
  }));
  return client;
}

/** Writes the reference for this version to the extension's storage and previews it: a file, not an
 *  untitled document, so closing the preview never asks to save anything. */
async function showReference(context: vscode.ExtensionContext): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(context.globalStorageUri, 'numa-language-reference.md');
  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(generateReferenceDocument(), 'utf8'));
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return uri;
}
