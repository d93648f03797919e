// The extension host entry point: a thin layer that wires the language server (src/lsp, over the
// language library in src/language) and the simulation core (src/core) into VS Code. Each feature
// area registers its own providers and commands and puts its disposables on the context.
import type * as vscode from 'vscode';
import { registerLanguageFeatures } from './language';
import { registerRunFeatures } from './run';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  registerRunFeatures(context);
  // Activation ends once the language server answers, so the first request finds its providers.
  await registerLanguageFeatures(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the language client stops its server).
}
