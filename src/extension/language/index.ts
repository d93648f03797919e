// Registers the `.numa` language features: thin adapters from the language library (src/language,
// no vscode import) to VS Code's providers, plus the language commands.
import * as vscode from 'vscode';
import type { Diagnostic as NumaDiagnostic } from '../../language';
import { generateReferenceDocument } from '../../language/reference';
import { AnalysisCache } from './analysis';
import { QuickFixProvider } from './codeActions';
import { COMPLETION_TRIGGERS, NumaCompletionProvider } from './completion';
import { toRange, toSeverity } from './convert';
import { DiagnosticsController } from './diagnostics';
import { NumaFormattingProvider } from './formatting';
import { NumaHoverProvider } from './hover';
import { Commands, NUMA_LANGUAGE_ID, NUMA_SELECTOR } from './ids';
import { NumaNavigationProvider } from './navigation';
import { NumaOutlineProvider } from './outline';
import { Settings } from '../run/ids';

export { Commands, NUMA_LANGUAGE_ID } from './ids';

/** What other feature areas (and the tests) may use from the language layer. */
export interface LanguageFeatures {
  analysis: AnalysisCache;
  diagnostics: DiagnosticsController;
}

export function registerLanguageFeatures(context: vscode.ExtensionContext): LanguageFeatures {
  const analysis = new AnalysisCache();
  const diagnostics = new DiagnosticsController((document) =>
    analysis.get(document).diagnostics.map((d) => toVscodeDiagnostic(document, d)));
  const navigation = new NumaNavigationProvider(analysis);

  context.subscriptions.push(
    diagnostics,
    vscode.workspace.onDidCloseTextDocument((d) => analysis.forget(d)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(Settings.budget)) return;
      for (const d of vscode.workspace.textDocuments) if (d.languageId === NUMA_LANGUAGE_ID) void diagnostics.checkNow(d);
    }),
    vscode.languages.registerCompletionItemProvider(NUMA_SELECTOR, new NumaCompletionProvider(analysis), ...COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(NUMA_SELECTOR, new NumaHoverProvider(analysis)),
    vscode.languages.registerDefinitionProvider(NUMA_SELECTOR, navigation),
    vscode.languages.registerReferenceProvider(NUMA_SELECTOR, navigation),
    vscode.languages.registerRenameProvider(NUMA_SELECTOR, navigation),
    vscode.languages.registerDocumentSymbolProvider(NUMA_SELECTOR, new NumaOutlineProvider(analysis), { label: 'NUMA scenario' }),
    vscode.languages.registerDocumentFormattingEditProvider(NUMA_SELECTOR, new NumaFormattingProvider()),
    vscode.languages.registerCodeActionsProvider(NUMA_SELECTOR, new QuickFixProvider(analysis), QuickFixProvider.metadata),
    vscode.commands.registerCommand(Commands.checkDocument, async () => {
      const document = vscode.window.activeTextEditor?.document;
      if (document?.languageId === NUMA_LANGUAGE_ID) await diagnostics.checkNow(document);
    }),
    vscode.commands.registerCommand(Commands.showReference, () => showReference(context)),
  );
  return { analysis, diagnostics };
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

function toVscodeDiagnostic(document: vscode.TextDocument, d: NumaDiagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(document, d), d.message, toSeverity(d.severity));
  out.source = 'numa';
  out.code = d.code;
  return out;
}
