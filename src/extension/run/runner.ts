// Runs a scenario: checks it (a file with errors is not run), starts the simulation in a worker
// thread, reports simulated time in a cancellable progress notification and the status bar,
// streams partial results to the panel, saves the result file. Cancel terminates the worker.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { budgetSetting } from '../budgetSetting';
import { compile } from '../../language/index';
import type { Diagnostic } from '../../language/index';
import type { RunResult } from '../../core/result';
import type { FromWorker, RunRequest } from '../../protocol/worker';
import { formatSimTime } from '../../../webview/results/transforms/format';
import { RunStatusBar } from './statusBar';
import { resultFileName, resultsDirFor, saveResult } from './resultFiles';
import { writeProblem, WriteRefused } from '../../io/safeWrite';
import { Settings } from './ids';
import { simulationWorkerOptions, workerDiedMessage } from './workerLimits';
import type { PanelManager } from '../panels/panelManager';
import { fromFile } from '../fileText';

export type RunOutcome =
  | { status: 'done'; result: RunResult; resultPath: string }
  | { status: 'cancelled'; cancelMs: number }
  | { status: 'failed'; message: string }
  | { status: 'refused'; errors: number; message: string };

interface Job {
  uri: string;
  worker: Worker;
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
    const worker = new Worker(workerPath, simulationWorkerOptions());
    const key = document.uri.toString();
    const started = Date.now();
    this.status.running(title);
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
            if (this.jobs.get(key)?.worker === worker) this.jobs.delete(key);
            resolve(o);
          };
          const cancel = (): void => {
            if (settled || cancelling) return;
            cancelling = true;
            const t0 = performance.now();
            // terminate() stops the worker's JavaScript at once, even in the middle of a variant.
            void worker.terminate().then(() => {
              const cancelMs = performance.now() - t0;
              this.output.appendLine(`  cancelled: worker stopped in ${cancelMs.toFixed(1)} ms`);
              panel.cancelled();
              this.status.stopped(`${title} cancelled`);
              finish({ status: 'cancelled', cancelMs });
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
            void worker.terminate();
            void vscode.window.showErrorMessage(`NUMA Lab: the simulation of ${fromFile(title)} failed: ${fromFile(message)}`, 'Show Output').then((pick) => {
              if (pick) this.output.show(true);
            });
            finish({ status: 'failed', message });
          };

          worker.on('message', (m: FromWorker) => {
            if (settled) return;
            switch (m.type) {
              case 'progress': {
                const p = m.progress;
                const frac = (p.variantIndex + Math.min(1, p.simulated_ms / Math.max(1, p.duration_ms))) / Math.max(1, p.variantCount);
                const pct = Math.round(frac * 100);
                progress.report({
                  message: `${fromFile(p.variant)} (${p.variantIndex + 1}/${p.variantCount}): ${formatSimTime(p.simulated_ms)} of ${formatSimTime(p.duration_ms)} simulated`,
                  increment: Math.max(0, pct - reported),
                });
                reported = Math.max(reported, pct);
                this.status.running(title, p);
                panel.progress(p);
                break;
              }
              case 'partial':
                panel.partial(m.variant);
                break;
              case 'done': {
                let resultPath: string;
                try {
                  const dir = resultsDirFor(document.fileName, vscode.workspace.getConfiguration().get<string>(Settings.resultsDirectory));
                  resultPath = saveResult(dir, resultFileName(document.fileName, new Date(), label), m.result);
                } catch (e) {
                  fail(`could not save the result: ${e instanceof WriteRefused ? writeProblem(e) : (e as Error).message}`);
                  return;
                }
                this.output.appendLine(`  done in ${Date.now() - started} ms (simulation ${m.wallMs.toFixed(0)} ms): ${resultPath}`);
                panel.done(m.result, resultPath);
                this.status.result(m.result);
                void worker.terminate();
                finish({ status: 'done', result: m.result, resultPath });
                break;
              }
              case 'error':
                fail(m.message, m.stack);
                break;
            }
          });
          worker.on('error', (e: Error & { code?: string }) => fail(workerDiedMessage(e) ?? e.message, e.stack));
          worker.on('exit', (code) => {
            if (!settled && !cancelling) fail(code !== 0 ? `the simulation worker exited with code ${code}` : 'the simulation worker stopped without a result');
          });
          const request: RunRequest = { type: 'run', set, variants: variantFilter };
          worker.postMessage(request);
        }),
    );
    const job: Job = { uri: key, worker, cancel: () => cancelRequested?.(), outcome: Promise.resolve(outcome) };
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
    for (const j of this.jobs.values()) void j.worker.terminate();
    this.jobs.clear();
    this.refusals.dispose();
    this.status.dispose();
  }
}
