// Keeps track of the results panels: one per scenario for runs (re-running reuses it), panels
// restored after a window reload, result files opened in the custom editor, comparisons.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PanelModel } from '../../protocol/messages';
import { checkWebviewState } from '../../protocol/messageSchema';
import { RESULT_FILE_SUFFIX, RESULTS_VIEW_TYPE, Settings } from '../run/ids';
import { loadResult, resultsDirFor } from '../run/resultFiles';
import { mergeForComparison } from './compare';
import { ResultsPanel, errorModel, type PanelHost } from './resultsPanel';
import { webviewOptions } from './html';
import { fromFile } from '../fileText';

export class PanelManager implements vscode.Disposable, PanelHost {
  private readonly byScenario = new Map<string, ResultsPanel>();
  private readonly all = new Set<ResultsPanel>();
  private lastActive: ResultsPanel | undefined;
  private readonly scenarioOf = new WeakMap<ResultsPanel, string>();

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly output: vscode.OutputChannel,
  ) {}

  /** Every live panel; the most recently used last. */
  get panels(): ResultsPanel[] {
    return [...this.all];
  }

  get active(): ResultsPanel | undefined {
    return [...this.all].find((p) => p.panel.active) ?? this.lastActive;
  }

  exportDirFor(panel: ResultsPanel): string {
    const scenario = this.scenarioOf.get(panel);
    if (scenario) return path.join(resultsDirFor(scenario, vscode.workspace.getConfiguration().get<string>(Settings.resultsDirectory)), 'exports');
    const saved = panel.current.resultPaths[0];
    if (saved) return path.join(path.dirname(saved), 'exports');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    return path.join(folder, '.numa-results', 'exports');
  }

  private track(panel: ResultsPanel, scenario?: string): ResultsPanel {
    this.all.add(panel);
    this.lastActive = panel;
    if (scenario) {
      this.byScenario.set(scenario, panel);
      this.scenarioOf.set(panel, scenario);
    }
    panel.panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.lastActive = panel;
    });
    panel.onDidDispose(() => {
      this.all.delete(panel);
      if (scenario && this.byScenario.get(scenario) === panel) this.byScenario.delete(scenario);
      if (this.lastActive === panel) this.lastActive = [...this.all].pop();
    });
    return panel;
  }

  private create(title: string, model: PanelModel): ResultsPanel {
    const wp = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.extensionUri));
    return new ResultsPanel(wp, model, this);
  }

  /** The panel that shows runs of `scenario`, created when needed. */
  forRun(scenario: vscode.Uri, title: string): ResultsPanel {
    const key = scenario.fsPath;
    const existing = this.byScenario.get(key);
    if (existing) return existing;
    const empty: PanelModel = { title, resultPaths: [], result: { scenario: title, seed: 0, version: '', variants: [], sweeps: [] } };
    return this.track(this.create(title, empty), key);
  }

  /** Opens saved result files: one is shown as is, two are compared. */
  openFiles(files: string[]): ResultsPanel {
    const model = this.modelFromFiles(files);
    const panel = this.create(model.title, model);
    return this.track(panel);
  }

  modelFromFiles(files: string[]): PanelModel {
    if (files.length === 2) {
      const [a, b] = files.map((f) => ({ label: path.basename(f, RESULT_FILE_SUFFIX), result: loadResult(f) }));
      return { title: a.result.scenario, resultPaths: files, result: mergeForComparison(a, b), comparison: { left: `A = ${a.label}`, right: `B = ${b.label}` } };
    }
    const result = loadResult(files[0]);
    return { title: result.scenario, resultPaths: [files[0]], result };
  }

  /** Restores a panel after a window reload from the state the webview saved. */
  restore(wp: vscode.WebviewPanel, saved: unknown): ResultsPanel {
    let model: PanelModel;
    const checked = checkWebviewState(saved);
    const state = checked.ok ? checked.value : undefined;
    try {
      if (saved != null && !checked.ok) throw new Error(`the panel's saved state is not valid: ${checked.problem}`);
      if (!state || !state.resultPaths.length) throw new Error('the panel had no saved result (the run did not finish)');
      model = this.modelFromFiles(state.resultPaths);
    } catch (e) {
      const message = (e as Error).message;
      this.output.appendLine(`[restore] ${message}`);
      model = errorModel('NUMA Lab results', `Could not restore: ${message}`);
    }
    return this.track(new ResultsPanel(wp, model, this, state?.selections ?? {}));
  }

  /** A result file opened in the custom editor. */
  adopt(wp: vscode.WebviewPanel, file: string): ResultsPanel {
    let model: PanelModel;
    try {
      model = this.modelFromFiles([file]);
    } catch (e) {
      const message = (e as Error).message;
      model = errorModel(path.basename(file), message);
      void vscode.window.showErrorMessage(`NUMA Lab: ${fromFile(message)}`);
    }
    return this.track(new ResultsPanel(wp, model, this));
  }

  dispose(): void {
    for (const p of [...this.all]) p.dispose();
  }
}
