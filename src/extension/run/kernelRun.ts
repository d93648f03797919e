// "Run on Linux (QEMU)": runs the scenario on a real kernel booted under QEMU (src/kernel), saves
// the result like every run, and shows it in the scenario's results panel over the simulation of
// the same variants (the latest saved one, or a fresh run first), so the panel draws the overlay.
//
// The host's event loop stays free: the set-up script runs as a child process (runOnKernel would
// otherwise run it synchronously) and QEMU is a child process streaming to us; a timer measures
// the loop's worst delay during the boot and the output channel reports it.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compile } from '../../language/index';
import { CancelledError, type RunResult } from '../../core';
import { runOnKernel, KernelRefusedError, KernelSetupError, type KernelProgress } from '../../kernel';
import { listResults, loadResult, resultFileName, resultsDirFor, saveResult } from './resultFiles';
import { writeProblem, WriteRefused } from '../../io/safeWrite';
import { RunCommands, Settings } from './ids';
import type { PanelManager } from '../panels/panelManager';
import type { RunController } from './runner';
import { fromFile } from '../fileText';

export const SETUP_COMMAND = 'npm run setup:kernel';

export type KernelOutcome =
  | { status: 'done'; result: RunResult; resultPath: string; simulationPath: string; maxLoopLagMs: number }
  | { status: 'cancelled'; cancelMs: number }
  | { status: 'refused'; message: string }
  | { status: 'failed'; message: string };

export interface KernelRunRequest {
  variants?: string[];
  allowApproximate?: boolean;
}

/** What the set-up installs and a boot needs, missing on this host (names for the message). */
export function missingKernelSetup(env: NodeJS.ProcessEnv = process.env): string[] {
  const onPath = (exe: string) => (env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, exe)));
  const missing: string[] = [];
  if (!onPath('qemu-system-x86_64')) missing.push('qemu-system-x86_64');
  const kernels = fs.existsSync('/boot') ? fs.readdirSync('/boot').filter((f) => /^vmlinuz-\d/.test(f)) : [];
  if (!kernels.length) missing.push('a kernel in /boot (linux-image-amd64)');
  if (!env.NUMA_LAB_KERNEL_AGENT && !onPath('gcc')) missing.push('gcc (builds the guest agent)');
  return missing;
}

/** Runs scripts/setup-kernel.sh as a child process (idempotent, cached) and resolves with the
 *  guest agent it built; the extension ships the script, the agent's source and the guest init. */
function setUp(extensionRoot: string, output: vscode.OutputChannel, signal: AbortSignal): Promise<string> {
  if (process.env.NUMA_LAB_KERNEL_AGENT) return Promise.resolve(process.env.NUMA_LAB_KERNEL_AGENT);
  const script = path.join(extensionRoot, 'scripts', 'setup-kernel.sh');
  if (!fs.existsSync(script)) return Promise.reject(new KernelSetupError(`${script} is missing: run \`${SETUP_COMMAND}\` in the NUMA Lab clone`));
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => output.append(d.toString()));
    child.on('error', (e) => reject(signal.aborted ? new CancelledError() : e));
    child.on('close', (code) => {
      const agent = out.trim().split('\n').pop() ?? '';
      if (code === 0 && fs.existsSync(agent)) resolve(agent);
      else reject(signal.aborted ? new CancelledError() : new KernelSetupError(`the kernel set-up (${SETUP_COMMAND}) failed with exit ${code}; see the NUMA Lab Runs output`));
    });
  });
}

/** The latest saved simulation of this scenario file holding every variant asked for, newer
 *  than the scenario file; undefined when there is none. */
export function latestSimulation(dir: string, scenarioPath: string, variants: string[]): string | undefined {
  const stem = path.basename(scenarioPath).replace(/\.numa$/i, '') + '-';
  const scenarioTime = fs.existsSync(scenarioPath) ? fs.statSync(scenarioPath).mtimeMs : 0;
  for (const file of listResults(dir).filter((f) => path.basename(f).startsWith(stem)).slice(0, 20)) {
    if (fs.statSync(file).mtimeMs < scenarioTime) break;
    try {
      const r = loadResult(file);
      if (r.source?.kind === 'kernel' || r.variants.some((v) => v.kernel)) continue;
      if (variants.every((n) => r.variants.some((v) => v.name === n))) return file;
    } catch {
      // not a readable result: the next one may be
    }
  }
  return undefined;
}

/** Measures how late a 50 ms timer fires while a boot runs: the extension host's responsiveness. */
function loopLagMeter(): { stop(): number } {
  const period = 50;
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - period);
    last = now;
  }, period);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(0, worst);
    },
  };
}

export class KernelRunCommand {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    private readonly panels: PanelManager,
    private readonly runner: RunController,
  ) {}

  async run(uri: vscode.Uri, req: KernelRunRequest = {}): Promise<KernelOutcome | undefined> {
    const document = await vscode.workspace.openTextDocument(uri);
    const set = compile(document.getText(), document.fileName).set;
    // A file with errors: the simulator's Run says why in the Problems panel.
    if (!set) {
      const o = await this.runner.run(uri);
      return { status: 'refused', message: o.status === 'refused' ? o.message : 'the scenario does not compile' };
    }
    const known = set.variants.map((v) => v.variant);
    const variants = req.variants?.length ? known.filter((v) => req.variants!.includes(v)) : known;
    if (!variants.length) {
      const message = `no variant ${req.variants!.join(', ')} in ${path.basename(document.fileName)}`;
      void vscode.window.showErrorMessage(`NUMA Lab: ${fromFile(message)}`);
      return { status: 'refused', message };
    }
    const missing = missingKernelSetup();
    if (missing.length) {
      const message = `running on Linux needs the kernel set-up (missing: ${missing.join(', ')}). Run \`${SETUP_COMMAND}\` in the NUMA Lab clone, or let NUMA Lab run it now (it installs Debian packages with apt-get).`;
      void vscode.window.showWarningMessage(`NUMA Lab: ${fromFile(message)}`, 'Run Set-up Now').then((pick) => {
        if (pick) void this.setUpNow();
      });
      return { status: 'refused', message };
    }

    const dir = resultsDirFor(document.fileName, vscode.workspace.getConfiguration().get<string>(Settings.resultsDirectory));
    // The simulation to overlay: the latest saved one of this file, else run it now.
    let simulationPath = document.isDirty ? undefined : latestSimulation(dir, document.fileName, variants);
    if (!simulationPath) {
      if (document.isDirty) await document.save();
      const sim = await this.runner.run(uri, req.variants?.length ? variants : undefined, req.variants?.length ? variants.join('+') : undefined);
      if (sim.status !== 'done') return sim.status === 'cancelled' ? sim : { status: 'failed', message: `the simulation to compare with did not finish (${sim.status})` };
      simulationPath = sim.resultPath;
    }
    const title = set.title || path.basename(document.fileName);
    this.output.appendLine(`[${new Date().toISOString()}] run on Linux ${document.fileName} (variants ${variants.join(', ')}${req.allowApproximate ? ', allowing approximation' : ''})`);
    const abort = new AbortController();
    let cancelledAt = 0;
    const meter = loopLagMeter();
    let outcome: KernelOutcome;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `NUMA Lab: ${fromFile(title)} on Linux (QEMU)`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => {
            cancelledAt = performance.now();
            abort.abort();
          });
          progress.report({ message: `setting up (${SETUP_COMMAND})` });
          const agent = await setUp(this.extensionUri.fsPath, this.output, abort.signal);
          let reported = 0;
          return runOnKernel(set, { variants, allowApproximate: !!req.allowApproximate, agent }, {
            signal: abort.signal,
            onProgress: (p: KernelProgress) => {
              const frac = (p.variantIndex + (p.stage === 'running' ? Math.min(1, p.guest_ms / Math.max(1, p.duration_ms)) : p.stage === 'done' ? 1 : 0)) / Math.max(1, p.variantCount);
              const pct = Math.round(frac * 100);
              progress.report({ message: fromFile(p.message), increment: Math.max(0, pct - reported) });
              reported = Math.max(reported, pct);
              this.output.appendLine(`  ${p.message}`);
            },
          });
        },
      );
      const maxLoopLagMs = meter.stop();
      const resultPath = saveResult(dir, resultFileName(document.fileName, new Date(), `kernel-${variants.join('+')}`), result);
      this.output.appendLine(`  saved ${resultPath}; the extension host's event loop was at most ${maxLoopLagMs.toFixed(0)} ms late during the run`);
      this.report(title, result);
      const panel = this.panels.forRun(uri, title);
      panel.show(this.panels.modelFromFiles([simulationPath, resultPath]), { ...panel.currentSelections, variant: `B: ${result.variants[0]?.name ?? variants[0]}`, baseline: undefined });
      panel.reveal();
      outcome = { status: 'done', result, resultPath, simulationPath, maxLoopLagMs };
    } catch (e) {
      meter.stop();
      outcome = this.failure(e, uri, variants, cancelledAt);
    }
    return outcome;
  }

  /** How the boots ended and what the kernel could not apply, in a message and the output. */
  private report(title: string, result: RunResult): void {
    const src = result.source?.kind === 'kernel' ? result.source : undefined;
    const notApplied = new Map<string, string>();
    const problems: string[] = [];
    for (const v of result.variants) {
      const k = v.kernel;
      if (!k) continue;
      this.output.appendLine(`  ${v.name}: ${k.status}${k.message ? ` (${k.message})` : ''}, wall ${(k.wall_ms / 1000).toFixed(1)} s; logs ${k.log_dir}`);
      if (k.status !== 'ok') problems.push(`${v.name}: ${k.status}${k.message ? ` (${k.message})` : ''}`);
      for (const s of k.shortfalls ?? []) problems.push(`${v.name}: not done: ${s}`);
      for (const n of k.not_applied) notApplied.set(n.setting, n.reason);
    }
    for (const [setting, reason] of notApplied) this.output.appendLine(`  not applied: ${setting}: ${reason}`);
    const kernel = src ? `${src.release} (${src.accel})` : '';
    const na = notApplied.size ? ` Not applied (no real counterpart): ${[...notApplied.keys()].join('; ')}.` : '';
    const show = (pick: string | undefined) => {
      if (pick) this.output.show(true);
    };
    if (problems.length) void vscode.window.showWarningMessage(`NUMA Lab: ${fromFile(title)} ran on Linux ${fromFile(kernel)}. ${fromFile(problems.join('; '))}.${fromFile(na)}`, 'Show Details').then(show);
    else void vscode.window.showInformationMessage(`NUMA Lab: ${fromFile(title)} ran on Linux ${fromFile(kernel)}.${fromFile(na)}`, 'Show Details').then(show);
  }

  private failure(e: unknown, uri: vscode.Uri, variants: string[], cancelledAt: number): KernelOutcome {
    if (e instanceof CancelledError || (cancelledAt && (e as Error).name === 'AbortError')) {
      const cancelMs = performance.now() - cancelledAt;
      this.output.appendLine(`  cancelled: QEMU stopped ${cancelMs.toFixed(0)} ms after the request`);
      return { status: 'cancelled', cancelMs };
    }
    const message = (e as Error).message;
    this.output.appendLine(`  ${message}`);
    if (e instanceof KernelRefusedError) {
      void vscode.window.showWarningMessage(`NUMA Lab: ${fromFile(message)}`, 'Run Allowing Approximation').then((pick) => {
        if (pick) void vscode.commands.executeCommand(RunCommands.runOnKernel, uri, variants, { allowApproximate: true });
      });
      return { status: 'refused', message };
    }
    if (e instanceof KernelSetupError) {
      void vscode.window.showErrorMessage(`NUMA Lab: ${fromFile(message)}. Set up with \`${SETUP_COMMAND}\`.`, 'Run Set-up Now').then((pick) => {
        if (pick) void this.setUpNow();
      });
      return { status: 'failed', message };
    }
    const why = e instanceof WriteRefused ? `could not save the result: ${writeProblem(e)}` : message;
    void vscode.window.showErrorMessage(`NUMA Lab: the run on Linux failed: ${fromFile(why)}`, 'Show Output').then((pick) => {
      if (pick) this.output.show(true);
    });
    return { status: 'failed', message: why };
  }

  /** The set-up in a terminal, where apt-get's progress and questions are visible. */
  private setUpNow(): void {
    const script = path.join(this.extensionUri.fsPath, 'scripts', 'setup-kernel.sh');
    const term = vscode.window.createTerminal({ name: 'NUMA Lab kernel set-up' });
    term.show();
    term.sendText(`bash '${script.replace(/'/g, `'\\''`)}'`);
  }
}
