// Registers running and results: the commands, the code lenses, the results panels, their
// restore after a window reload and the editor for saved result files.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { compile } from '../../language/index';
import type { ExportFormat } from '../../protocol/messages';
import { PanelManager } from '../panels/panelManager';
import { RunCodeLensProvider } from './codeLens';
import { RunController, type RunOutcome } from './runner';
import { KernelRunCommand, type KernelRunRequest } from './kernelRun';
import { fromFile } from '../fileText';
import { RESULT_EDITOR_VIEW_TYPE, RESULT_FILE_SUFFIX, RESULTS_VIEW_TYPE, RunCommands } from './ids';

export { RunCommands } from './ids';

/** What the extension exposes to its own tests through the command results. */
export interface RunApi {
  runner: RunController;
  panels: PanelManager;
}

function activeNumaUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.languageId === 'numa') return doc.uri;
  // The editor may have lost focus to the results panel: take a visible .numa editor.
  return vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'numa')?.document.uri;
}

export function registerRunFeatures(context: vscode.ExtensionContext): RunApi {
  const output = vscode.window.createOutputChannel('NUMA Lab Runs');
  const panels = new PanelManager(context.extensionUri, output);
  const runner = new RunController(context.extensionUri, output, panels);
  context.subscriptions.push(output, panels, runner);

  const noScenario = (): RunOutcome => {
    void vscode.window.showErrorMessage('NUMA Lab: open a .numa scenario to run it.');
    return { status: 'refused', errors: 0, message: 'no scenario open' };
  };

  const reg = (id: string, fn: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
  };

  reg(RunCommands.runScenario, async (arg?: vscode.Uri) => {
    const uri = activeNumaUri(arg);
    return uri ? runner.run(uri) : noScenario();
  });

  reg(RunCommands.runVariant, async (arg?: vscode.Uri, variant?: string) => {
    const uri = activeNumaUri(arg);
    if (!uri) return noScenario();
    let name = variant;
    if (!name) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const set = compile(doc.getText(), doc.fileName).set;
      if (!set) return runner.run(uri);
      name = await vscode.window.showQuickPick(set.variants.map((v) => v.variant), { placeHolder: 'Variant to run' });
      if (!name) return undefined;
    }
    return runner.run(uri, [name], name);
  });

  reg(RunCommands.runSweep, async (arg?: vscode.Uri, sweepIndex?: number) => {
    const uri = activeNumaUri(arg);
    if (!uri) return noScenario();
    const doc = await vscode.workspace.openTextDocument(uri);
    const set = compile(doc.getText(), doc.fileName).set;
    // With errors, run() refuses and says why.
    if (!set) return runner.run(uri);
    const sweep = set.sweeps[sweepIndex ?? 0];
    if (!sweep) {
      void vscode.window.showErrorMessage('NUMA Lab: this scenario has no such sweep.');
      return undefined;
    }
    return runner.run(uri, sweep.variantNames, `sweep-${sweep.knob}`);
  });

  const onKernel = new KernelRunCommand(context.extensionUri, output, panels, runner);
  reg(RunCommands.runOnKernel, async (arg?: vscode.Uri, variants?: string[], req?: KernelRunRequest) => {
    const uri = activeNumaUri(arg);
    if (!uri) return noScenario();
    return onKernel.run(uri, { variants: Array.isArray(variants) ? variants : undefined, allowApproximate: !!req?.allowApproximate });
  });

  reg(RunCommands.cancelRun, async () => {
    if (!runner.running) {
      void vscode.window.showInformationMessage('NUMA Lab: no run in progress.');
      return false;
    }
    await runner.cancelAll();
    return true;
  });

  reg(RunCommands.showResults, () => {
    const p = panels.active;
    if (p) p.reveal();
    else void vscode.window.showInformationMessage('NUMA Lab: no results panel yet. Run a scenario first.');
  });

  reg(RunCommands.openResult, async (arg?: vscode.Uri) => {
    const files = arg instanceof vscode.Uri ? [arg.fsPath] : await pickResults(1);
    if (!files) return undefined;
    return openOrReport(panels, files);
  });

  reg(RunCommands.compareResults, async (a?: vscode.Uri, b?: vscode.Uri) => {
    const files = a instanceof vscode.Uri && b instanceof vscode.Uri ? [a.fsPath, b.fsPath] : await pickResults(2);
    if (!files) return undefined;
    return openOrReport(panels, files);
  });

  // The folder is the panel's results folder (PanelManager.exportDirFor), never an argument.
  reg(RunCommands.exportResults, async (formats?: ExportFormat[]) => {
    const p = panels.active;
    if (!p) {
      void vscode.window.showErrorMessage('NUMA Lab: no results panel to export from.');
      return [];
    }
    return p.requestExport(formats && formats.length ? formats : ['csv', 'json', 'png']);
  });

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider({ language: 'numa' }, new RunCodeLensProvider()),
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      async deserializeWebviewPanel(wp: vscode.WebviewPanel, state: unknown) {
        panels.restore(wp, state);
      },
    }),
    vscode.window.registerCustomEditorProvider(
      RESULT_EDITOR_VIEW_TYPE,
      {
        openCustomDocument: (uri: vscode.Uri) => ({ uri, dispose: () => undefined }),
        resolveCustomEditor: (doc: vscode.CustomDocument, wp: vscode.WebviewPanel) => {
          panels.adopt(wp, doc.uri.fsPath);
        },
      },
      { supportsMultipleEditorsPerDocument: true },
    ),
  );
  return { runner, panels };
}

function openOrReport(panels: PanelManager, files: string[]): string[] | undefined {
  try {
    panels.openFiles(files).reveal();
    return files;
  } catch (e) {
    void vscode.window.showErrorMessage(`NUMA Lab: ${fromFile((e as Error).message)}`);
    return undefined;
  }
}

/** Lets the user pick `count` saved results: those in the workspace, newest first, or browse. */
async function pickResults(count: 1 | 2): Promise<string[] | undefined> {
  const found = await vscode.workspace.findFiles(`**/*${RESULT_FILE_SUFFIX}`, '**/node_modules/**', 200);
  const items = found
    .map((u) => u.fsPath)
    .sort((a, b) => path.basename(b).localeCompare(path.basename(a)))
    .map((f) => ({ label: path.basename(f), description: vscode.workspace.asRelativePath(path.dirname(f)), file: f }));
  if (items.length >= count) {
    const title = count === 1 ? 'Open a saved NUMA Lab result' : 'Pick two saved results to compare';
    if (count === 1) {
      const pick = await vscode.window.showQuickPick(items, { title });
      return pick ? [pick.file] : undefined;
    }
    const picks = await vscode.window.showQuickPick(items, { title, canPickMany: true });
    if (!picks) return undefined;
    if (picks.length !== 2) {
      void vscode.window.showErrorMessage(`NUMA Lab: pick exactly two results to compare (you picked ${picks.length}).`);
      return undefined;
    }
    return picks.map((p) => p.file);
  }
  const uris = await vscode.window.showOpenDialog({ canSelectMany: count === 2, filters: { 'NUMA Lab results': ['json'] }, title: 'Open NUMA Lab result' });
  if (!uris || uris.length !== count) return undefined;
  return uris.map((u) => u.fsPath);
}
