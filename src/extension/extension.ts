// The extension host entry point: a thin layer that wires the language library (src/language) and
// the simulation core (src/core) into VS Code. Each feature area registers its own providers and
// commands and puts its disposables on the context.
import type * as vscode from 'vscode';
import { registerLanguageFeatures } from './language';
import { registerRunFeatures } from './run';

export function activate(context: vscode.ExtensionContext): void {
  registerLanguageFeatures(context);
  registerRunFeatures(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
