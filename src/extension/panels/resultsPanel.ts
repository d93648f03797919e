// The extension side of one results panel: owns the panel model, speaks the typed protocol,
// pushes live results at most every 500 ms, writes exports. Used for run panels (restored by the
// serializer) and for result files opened in the custom editor alike.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Progress, RunResult, VariantResult } from '../../core/result';
import type { FromWebview, PanelModel, PanelSelections, ToWebview, ExportFormat } from '../../protocol/messages';
import { checkFromWebview, pngBytes } from '../../protocol/messageSchema';
import { writeFileSafely, writeProblem, WriteRefused } from '../../io/safeWrite';
import { PARTIAL_EVERY_MS } from '../../runner/protocol';
import { resultsHtml, webviewOptions } from './html';
import { fromFile } from '../fileText';
import { decimateVariant, displayPointsPerSeries } from '../../protocol/decimate';
import { upsertInRunOrder } from '../../../webview/results/transforms/live';
import { summaryCsv, seriesCsv, eventsCsv, expectationsCsv, resultJson, fileStem } from '../../../webview/results/transforms/exportData';

/** Points per series of a live partial: enough for a chart, cheap to send twice a second. */
export const LIVE_POINTS = 2000;

/** The model as the webview gets it: long series thinned so the message stays small. */
function forDisplay(model: PanelModel): PanelModel {
  const cap = displayPointsPerSeries(model.result.variants);
  return { ...model, result: displayResult(model.result, cap) };
}

/** What a panel shows when it has nothing to show but a problem: the title and the message,
 *  drawn by the webview as its error state. */
export function errorModel(title: string, message: string): PanelModel {
  return { title, resultPaths: [], result: { scenario: title, seed: 0, version: '', variants: [], sweeps: [] }, live: { running: false, variants: [], error: message } };
}

function displayResult(r: RunResult, cap = displayPointsPerSeries(r.variants)): RunResult {
  return { ...r, variants: r.variants.map((v) => decimateVariant(v, cap)) };
}

export interface PanelHost {
  extensionUri: vscode.Uri;
  output: vscode.OutputChannel;
  /** Where exports go when the webview names no folder. */
  exportDirFor(panel: ResultsPanel): string;
}

export class ResultsPanel implements vscode.Disposable {
  private ready = false;
  private selections: PanelSelections;
  private pendingPartials = new Map<string, VariantResult>();
  private partialTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPartialPost = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly exportWaiters: ((paths: string[]) => void)[] = [];
  private disposed = false;
  /** Set when the webview reports its first full render after the latest init: for tests. */
  lastRender: { charts: number; ms: number } | null = null;
  readonly onDidDispose: vscode.Event<void>;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    private model: PanelModel,
    private readonly host: PanelHost,
    selections: PanelSelections = {},
  ) {
    this.selections = selections;
    this.onDidDispose = this.disposeEmitter.event;
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.webview.html = resultsHtml(panel.webview, host.extensionUri, model.title);
    panel.title = panelTitle(model);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get current(): PanelModel {
    return this.model;
  }

  get isRunning(): boolean {
    return !!this.model.live?.running;
  }

  get currentSelections(): PanelSelections {
    return this.selections;
  }

  private post(msg: ToWebview): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(msg);
  }

  /** Starts showing a new live run in this panel. */
  startLive(title: string, variants: string[], base: Omit<RunResult, 'variants'>): void {
    this.clearPartials();
    this.model = { title, resultPaths: [], result: { ...base, variants: [] }, live: { running: true, variants } };
    this.panel.title = panelTitle(this.model);
    this.lastRender = null;
    this.post({ type: 'init', model: forDisplay(this.model), selections: this.selections });
  }

  progress(p: Progress): void {
    if (!this.model.live) return;
    this.model.live.progress = p;
    this.post({ type: 'progress', progress: p });
  }

  /** A variant's partial (or whole) result: kept at once, shown at most every 500 ms, except
   *  a variant's first, shown at once so the panel's picker reaches the running variant when
   *  its status line does. */
  partial(v: VariantResult): void {
    const vs = this.model.result.variants;
    const i = vs.findIndex((x) => x.name === v.name);
    upsertInRunOrder(vs, v, this.model.live?.variants ?? []);
    this.pendingPartials.set(v.name, v);
    const wait = this.lastPartialPost + PARTIAL_EVERY_MS - Date.now();
    if (wait <= 0 || i < 0) this.flushPartials();
    else if (!this.partialTimer) this.partialTimer = setTimeout(() => this.flushPartials(), wait);
  }

  private flushPartials(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = undefined;
    this.lastPartialPost = Date.now();
    for (const v of this.pendingPartials.values()) this.post({ type: 'partial', variant: decimateVariant(v, LIVE_POINTS), progress: this.model.live?.progress });
    this.pendingPartials.clear();
  }

  private clearPartials(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = undefined;
    this.pendingPartials.clear();
  }

  done(result: RunResult, resultPath: string): void {
    this.clearPartials();
    this.model = { title: this.model.title, resultPaths: [resultPath], result };
    this.lastRender = null;
    this.panel.title = panelTitle(this.model);
    this.post({ type: 'done', result: displayResult(result), resultPath });
  }

  failed(message: string): void {
    this.clearPartials();
    this.model.live = { ...(this.model.live ?? { variants: [] }), running: false, error: message };
    this.panel.title = panelTitle(this.model);
    this.post({ type: 'failed', message });
  }

  cancelled(): void {
    this.clearPartials();
    this.model.live = { ...(this.model.live ?? { variants: [] }), running: false, cancelled: true };
    this.panel.title = panelTitle(this.model);
    this.post({ type: 'cancelled' });
  }

  /** Replaces what the panel shows (reopened result, comparison). */
  show(model: PanelModel, selections?: PanelSelections): void {
    this.clearPartials();
    this.model = model;
    if (selections) this.selections = selections;
    this.panel.title = panelTitle(model);
    this.lastRender = null;
    this.post({ type: 'init', model: forDisplay(model), selections: this.selections });
  }

  /** Asks the webview to export; resolves with the written paths. */
  requestExport(formats: ExportFormat[]): Promise<string[]> {
    return new Promise((resolve) => {
      this.exportWaiters.push(resolve);
      this.post({ type: 'requestExport', formats });
    });
  }

  private receive(m: unknown): void {
    const checked = checkFromWebview(m);
    if (!checked.ok) {
      this.host.output.appendLine(`[results panel] ignored a message from the webview: ${checked.problem}`);
      return;
    }
    try {
      this.handle(checked.value);
    } catch (e) {
      // Whatever went wrong, the panel says so instead of waiting for an init that never comes.
      const message = `The panel could not show this result: ${(e as Error).message}`;
      this.host.output.appendLine(`[results panel] ${message}\n${(e as Error).stack ?? ''}`);
      this.model = errorModel(this.model.title, message);
      this.panel.title = panelTitle(this.model);
      this.post({ type: 'init', model: this.model, selections: this.selections });
    }
  }

  private handle(msg: FromWebview): void {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.clearPartials();
        this.post({ type: 'init', model: forDisplay(this.model), selections: this.selections });
        break;
      case 'selections':
        this.selections = msg.selections;
        break;
      case 'rendered':
        this.lastRender = { charts: msg.charts, ms: msg.ms };
        break;
      case 'export':
        void this.writeExports(msg.formats, msg.png);
        break;
      case 'error':
        this.host.output.appendLine(`[results panel] ${msg.message}`);
        break;
    }
  }

  /** Into the folder the host picks, under names made here: CSV and JSON from the full result
   *  held here; the PNG as the webview drew it, once its bytes are known to be a PNG. */
  private async writeExports(formats: ExportFormat[], png: { variant: string; dataUrl: string } | undefined): Promise<void> {
    const waiter = this.exportWaiters.shift();
    const target = this.host.exportDirFor(this);
    const r = this.model.result;
    const stem = fileStem(r.scenario);
    const files: { name: string; content: string | Buffer }[] = [];
    const pngData = png ? pngBytes(png.dataUrl) : null;
    if (formats.includes('png') && !pngData) this.host.output.appendLine('[results panel] export: the charts image from the webview is not a PNG; not written');
    // The variant only names the file; one the result lacks names nothing.
    const pngVariant = png && r.variants.some((x) => x.name === png.variant) ? png.variant : 'charts';
    for (const f of formats) {
      if (f === 'csv') {
        files.push({ name: `${stem}-summary.csv`, content: summaryCsv(r) });
        files.push({ name: `${stem}-series.csv`, content: seriesCsv(r) });
        files.push({ name: `${stem}-events.csv`, content: eventsCsv(r) });
        files.push({ name: `${stem}-expectations.csv`, content: expectationsCsv(r) });
      } else if (f === 'json') {
        files.push({ name: `${stem}.json`, content: resultJson(r) });
      } else if (pngData) {
        files.push({ name: `${stem}-${fileStem(pngVariant)}.png`, content: pngData });
      }
    }
    try {
      fs.mkdirSync(target, { recursive: true });
      const written: string[] = [];
      for (const f of files) {
        const file = path.join(target, path.basename(f.name));
        // Replaces an earlier export whole; refuses a link, a folder or a device in its place.
        writeFileSafely(file, f.content, { devices: false });
        written.push(file);
      }
      this.host.output.appendLine(`Exported: ${written.join(', ')}`);
      this.post({ type: 'exported', paths: written });
      if (waiter) waiter(written);
      else {
        void vscode.window.showInformationMessage(`NUMA Lab: exported ${written.length} file(s) to ${fromFile(target)}`, 'Reveal').then((pick) => {
          if (pick) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(written[0]));
        });
      }
    } catch (e) {
      const message = `Export failed: ${e instanceof WriteRefused ? writeProblem(e) : (e as Error).message}`;
      this.host.output.appendLine(message);
      void vscode.window.showErrorMessage(`NUMA Lab: ${fromFile(message)}`);
      if (waiter) waiter([]);
    }
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearPartials();
    for (const w of this.exportWaiters.splice(0)) w([]);
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

function panelTitle(model: PanelModel): string {
  const base = model.title || model.result.scenario || 'NUMA Lab results';
  if (model.comparison) return `Compare: ${base}`;
  if (model.live?.running) return `Running: ${base}`;
  if (model.live?.cancelled) return `Cancelled: ${base}`;
  return `Results: ${base}`;
}
