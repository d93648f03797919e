// Runs a scenario: checks it (a file with errors is not run), runs its variants on the pool of
// worker threads (src/runner, numaLab.jobs of them), reports simulated time in a cancellable
// progress notification and the status bar, streams partial results to the panel, saves the
// result file. Cancel terminates every thread of the run.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { budgetSetting } from '../budgetSetting';
import { compile } from '../../language/index';
import type { Diagnostic } from '../../language/index';
import type { Progress, RunResult } from '../../core/result';
import { RunCancelled, runPool, VariantFailed, type Overall, type PoolRun } from '../../runner/pool';
import { formatSimTime } from '../../../webview/results/transforms/format';
import { RunStatusBar } from './statusBar';
import { resultFileName, resultsDirFor, saveResult } from './resultFiles';
import { writeProblem, WriteRefused } from '../../io/safeWrite';
import { Settings } from './ids';
import { jobsSetting } from './jobsSetting';
import type { PanelManager } from '../panels/panelManager';
import { fromFile } from '../fileText';

export type RunOutcome =
  | { status: 'done'; result: RunResult; resultPath: string; threads: number }
  | { status: 'cancelled'; cancelMs: number; threads: number }
  | { status: 'failed'; message: string }
  | { status: 'refused'; errors: number; message: string };

interface Job {
  uri: string;
  pool: PoolRun;
  cancel(): void;
  outcome: Promise<RunOutcome>;
}

export class RunController implements vscode.Disposable {
  private readonly jobs = new Map<string, Job>();
  private readonly refusals: vscode.DiagnosticCollection;
  readonly status = new RunStatusBar();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    private readonly panels: PanelManager,
  ) {
    this.refusals = vscode.languages.createDiagnosticCollection('numa-run');
  }

  get running(): boolean {
    return this.jobs.size > 0;
  }

  /** Runs `variants` (all when absent) of the scenario at `uri`; resolves when it ends. */
  async run(uri: vscode.Uri, variants?: string[], label?: string): Promise<RunOutcome> {
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    const compilation = compile(text, document.fileName, { budget: budgetSetting() });
    const errors = compilation.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length || !compilation.set) return this.refuse(document, errors);
    this.refusals.delete(uri);
    const set = compilation.set;
    const known = set.variants.map((v) => v.variant);
    const unknown = (variants ?? []).filter((v) => !known.includes(v));
    if (unknown.length) {
      const message = `no variant ${unknown.join(', ')} in ${path.basename(document.fileName)} (it has ${known.join(', ')})`;
      void vscode.window.showErrorMessage(`NUMA Lab: ${fromFile(message)}`);
      return { status: 'refused', errors: 0, message };
    }
    const key = uri.toString();
    this.jobs.get(key)?.cancel();
    const selected = variants && variants.length ? known.filter((v) => variants.includes(v)) : known;
    const title = set.title || path.basename(document.fileName);
    const panel = this.panels.forRun(uri, title);
    panel.startLive(title, selected, { scenario: set.title, seed: set.variants[0]?.run.seed ?? 0, version: '', sweeps: [] });
    panel.reveal();
    this.output.appendLine(`[${new Date().toISOString()}] run ${document.fileName}${variants ? ` (variants ${selected.join(', ')})` : ''}`);
    return this.start(document, set, variants ? selected : undefined, title, label, panel);
  }

  private start(
    document: vscode.TextDocument,
    set: NonNullable<ReturnType<typeof compile>['set']>,
    variantFilter: string[] | undefined,
    title: string,
    label: string | undefined,
    panel: ReturnType<PanelManager['forRun']>,
  ): Promise<RunOutcome> {
    const workerPath = vscode.Uri.joinPath(this.extensionUri, 'dist', 'worker.js').fsPath;
    const key = document.uri.toString();
    const started = Date.now();
    this.status.running(title);
    let reportProgress: (p: Progress, overall: Overall) => void = () => undefined;
    const pool = runPool(set, {
      jobs: jobsSetting(),
      variants: variantFilter,
      workerPath,
      onProgress: (p, overall) => reportProgress(p, overall),
      onPartial: (v) => panel.partial(v),
    });
    this.output.appendLine(`  on ${pool.threads} worker thread${pool.threads === 1 ? '' : 's'}`);
    let cancelRequested: (() => void) | undefined;

    const outcome = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `NUMA Lab: running ${fromFile(title)}`, cancellable: true },
      (progress, token) =>
        new Promise<RunOutcome>((resolve) => {
          let settled = false;
          let reported = 0;
          let cancelling = false;
          const finish = (o: RunOutcome): void => {
            if (settled) return;
            settled = true;
            if (this.jobs.get(key)?.pool === pool) this.jobs.delete(key);
            resolve(o);
          };
          const cancel = (): void => {
            if (settled || cancelling) return;
            cancelling = true;
            const t0 = performance.now();
            // terminate() stops every thread's JavaScript at once, even in the middle of a variant.
            void pool.cancel().then(() => {
              const cancelMs = performance.now() - t0;
              this.output.appendLine(`  cancelled: ${pool.threads} worker thread${pool.threads === 1 ? '' : 's'} stopped in ${cancelMs.toFixed(1)} ms`);
              panel.cancelled();
              this.status.stopped(`${title} cancelled`);
              finish({ status: 'cancelled', cancelMs, threads: pool.threads });
            });
          };
          cancelRequested = cancel;
          token.onCancellationRequested(cancel);

          const fail = (message: string, detail?: string): void => {
            if (settled || cancelling) return;
            this.output.appendLine(`  engine error: ${message}`);
            if (detail) this.output.appendLine(detail);
            panel.failed(message);
            this.status.stopped(`${title} failed`, true);
            void vscode.window.showErrorMessage(`NUMA Lab: the simulation of ${fromFile(title)} failed: ${fromFile(message)}`, 'Show Output').then((pick) => {
              if (pick) this.output.show(true);
            });
            finish({ status: 'failed', message });
          };

          // Variants run side by side: everything shows the whole run's share and the first
          // variant still running, which stays put until it finishes.
          reportProgress = (latest, overall) => {
            if (settled || cancelling) return;
            const p = overall.running[0] ?? latest;
            const pct = Math.round(overall.fraction * 100);
            const others = overall.running.length > 1 ? ` (+${overall.running.length - 1} running, ${overall.done}/${overall.count} done)` : '';
            progress.report({
              message: `${fromFile(p.variant)} (${p.variantIndex + 1}/${p.variantCount}): ${formatSimTime(p.simulated_ms)} of ${formatSimTime(p.duration_ms)} simulated${others}`,
              increment: Math.max(0, pct - reported),
            });
            reported = Math.max(reported, pct);
            this.status.running(title, p);
            panel.progress({ ...p, overall: overall.fraction });
          };

          pool.result.then(
            (result) => {
              if (settled || cancelling) return;
              let resultPath: string;
              try {
                const dir = resultsDirFor(document.fileName, vscode.workspace.getConfiguration().get<string>(Settings.resultsDirectory));
                resultPath = saveResult(dir, resultFileName(document.fileName, new Date(), label), result);
              } catch (e) {
                fail(`could not save the result: ${e instanceof WriteRefused ? writeProblem(e) : (e as Error).message}`);
                return;
              }
              this.output.appendLine(`  done in ${Date.now() - started} ms: ${resultPath}`);
              panel.done(result, resultPath);
              this.status.result(result);
              finish({ status: 'done', result, resultPath, threads: pool.threads });
            },
            (e: Error) => {
              if (e instanceof RunCancelled) return;
              fail(e.message, e instanceof VariantFailed ? e.detail : e.stack);
            },
          );
        }),
    );
    const job: Job = { uri: key, pool, cancel: () => cancelRequested?.(), outcome: Promise.resolve(outcome) };
    this.jobs.set(key, job);
    return job.outcome;
  }

  /** Not run: the Problems panel says why (the language's own diagnostics when it published
   *  them, ours otherwise), and a message says so. */
  private refuse(document: vscode.TextDocument, errors: Diagnostic[]): RunOutcome {
    const published = vscode.languages.getDiagnostics(document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    if (published.length === 0) {
      this.refusals.set(
        document.uri,
        errors.map((e) => {
          const d = new vscode.Diagnostic(
            new vscode.Range(document.positionAt(e.start), document.positionAt(Math.max(e.start, e.end))),
            e.message,
            vscode.DiagnosticSeverity.Error,
          );
          d.code = e.code;
          d.source = 'numa';
          return d;
        }),
      );
    }
    const n = Math.max(1, errors.length);
    const message = `${path.basename(document.fileName)} has ${n} error${n === 1 ? '' : 's'}; it was not run. See the Problems panel.`;
    this.output.appendLine(`[${new Date().toISOString()}] not run: ${message}`);
    for (const e of errors) {
      const pos = document.positionAt(e.start);
      this.output.appendLine(`  ${pos.line + 1}:${pos.character + 1} ${e.message}`);
    }
    void vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showErrorMessage(`NUMA Lab: ${fromFile(message)}`);
    this.status.stopped(`${path.basename(document.fileName)} not run: ${n} error${n === 1 ? '' : 's'}`, true);
    return { status: 'refused', errors: n, message };
  }

  /** Cancels every running job; resolves when their workers have stopped. */
  async cancelAll(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const j of jobs) j.cancel();
    await Promise.all(jobs.map((j) => j.outcome));
  }

  dispose(): void {
    for (const j of this.jobs.values()) void j.pool.cancel();
    this.jobs.clear();
    this.refusals.dispose();
    this.status.dispose();
  }
}
