// The extension as a client of the NUMA Lab language server (dist/lsp.js, src/lsp): diagnostics,
// completion, hover, navigation, rename, outline, formatting and quick fixes all come from the
// server, the same one other editors start with `numa-lab lsp --stdio`.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CHECK_DOCUMENT_REQUEST, type CheckDocumentParams, type CheckDocumentResult } from '../../lsp/protocol';
import { budgetSetting } from '../budgetSetting';
import { NUMA_LANGUAGE_ID } from './ids';

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/lsp.js');
  const server: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--enable-source-maps'] } },
  };
  const options: LanguageClientOptions = {
    // Scenario files and unsaved scenarios; not the read-only copies of diff views (git:, output:).
    documentSelector: [{ language: NUMA_LANGUAGE_ID, scheme: 'file' }, { language: NUMA_LANGUAGE_ID, scheme: 'untitled' }],
    diagnosticCollectionName: NUMA_LANGUAGE_ID,
    // numaLab.budget reaches the checker at start and again whenever the setting changes.
    initializationOptions: { budget: budgetSetting() },
    synchronize: { configurationSection: 'numaLab' },
  };
  const client = new LanguageClient('numaLab', 'NUMA Lab language server', server, options);
  context.subscriptions.push(client);
  await client.start();
  return client;
}

/** Checks a document now and resolves once the editor shows what the server found. */
export async function checkNow(client: LanguageClient, document: vscode.TextDocument): Promise<void> {
  const uri = client.code2ProtocolConverter.asUri(document.uri);
  const shows = (messages: string[]) => {
    const now = vscode.languages.getDiagnostics(document.uri).map((d) => d.message);
    return now.length === messages.length && now.every((m, i) => m === messages[i]);
  };
  let listener: vscode.Disposable | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const { messages } = await client.sendRequest<CheckDocumentResult>(CHECK_DOCUMENT_REQUEST, { uri } satisfies CheckDocumentParams);
    if (shows(messages)) return;
    // The published diagnostics may still be on their way into the editor's collection, which
    // can take seconds on a loaded machine, so the guard against a set that never comes is long.
    await new Promise<void>((resolve) => {
      listener = vscode.languages.onDidChangeDiagnostics(() => { if (shows(messages)) resolve(); });
      timer = setTimeout(resolve, 30000);
    });
  } finally {
    listener?.dispose();
    if (timer) clearTimeout(timer);
  }
}
