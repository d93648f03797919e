// The status-bar item of runs: what is running now, then the headline of the last result.

import * as vscode from 'vscode';
import type { Progress, RunResult } from '../../core/result';
import { headline } from '../../../webview/results/transforms/summary';
import { formatFixed, formatSimTime } from '../../../webview/results/transforms/format';
import { RunCommands } from './ids';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('numaLab.run', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'NUMA Lab run';
  }

  running(title: string, p?: Progress): void {
    this.item.text = p
      ? `$(sync~spin) NUMA: ${p.variant} ${p.variantIndex + 1}/${p.variantCount} · ${formatSimTime(p.simulated_ms)} / ${formatSimTime(p.duration_ms)}`
      : `$(sync~spin) NUMA: starting ${title}`;
    this.item.tooltip = `Running ${title}. Click to cancel.`;
    this.item.command = RunCommands.cancelRun;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  result(result: RunResult): void {
    const h = headline(result);
    this.item.text = `${h.failed ? '$(warning)' : '$(graph)'} NUMA: ${h.text}`;
    this.item.tooltip = `${result.scenario}: ${result.variants.map((v) => `${v.name} ${formatFixed(v.summary.avg_access_ns, 1)} ns/access`).join(', ')}. Click to show the results.`;
    this.item.command = RunCommands.showResults;
    this.item.backgroundColor = h.failed ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  stopped(text: string, error = false): void {
    this.item.text = `${error ? '$(error)' : '$(circle-slash)'} NUMA: ${text}`;
    this.item.tooltip = text;
    this.item.command = RunCommands.showResults;
    this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
