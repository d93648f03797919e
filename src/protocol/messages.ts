// The typed message protocol between the extension host and the results webview. Both sides
// import this one module, so a renamed field is a compile error on both ends instead of a silent
// mismatch. Plain data only: no vscode, no DOM.
//
// Handshake: the webview posts `ready` once its script runs; the extension answers with `init`
// (the whole panel model). Everything the extension sends before `ready` is queued, never lost.

import type { Progress, RunResult, VariantResult } from '../core/result';

/** What the panel shows: one run (or the merge of two saved runs for a comparison). Series of
 *  long runs arrive thinned for display (webview/results/transforms/decimate.ts). */
export interface PanelModel {
  /** Panel title, e.g. the scenario title. */
  title: string;
  /** Absolute path of the saved result file(s) this model came from; empty while a run is live. */
  resultPaths: string[];
  result: RunResult;
  /** Set when the panel compares two saved runs: labels of the two sides. */
  comparison?: { left: string; right: string };
  /** Live run state; absent for a finished or reopened run. */
  live?: LiveState;
}

export interface LiveState {
  running: boolean;
  progress?: Progress;
  /** Names of the variants the run will produce, in order. */
  variants: string[];
  error?: string;
  /** The run was cancelled; the variants finished (or partly run) so far stay shown. */
  cancelled?: boolean;
}

/** Selections a user makes in the panel: kept by the webview with setState so a reload restores them. */
export interface PanelSelections {
  variant?: string;
  baseline?: string;
  splitByWorkload?: boolean;
  sweepMetric?: string;
  /** The heat map of a sweep over several knobs: the knobs across (x) and up (y), and the value
   *  each other knob is held at, as `KNOB=VALUE`. */
  heatX?: string;
  heatY?: string;
  heatFixed?: string[];
}

export type ExportFormat = 'csv' | 'json' | 'png';


// ---- extension -> webview ----

export type ToWebview =
  | { type: 'init'; model: PanelModel; selections?: PanelSelections }
  /** A variant's result (partial while running, whole when that variant finished). */
  | { type: 'partial'; variant: VariantResult; progress?: Progress }
  | { type: 'progress'; progress: Progress }
  /** The run finished: the whole result and where it was saved. */
  | { type: 'done'; result: RunResult; resultPath: string }
  | { type: 'failed'; message: string }
  | { type: 'cancelled' }
  | { type: 'exported'; paths: string[] }
  /** Asks the webview to export (the Export command): it answers with an `export` message. */
  | { type: 'requestExport'; formats: ExportFormat[] };

// ---- webview -> extension ----

export type FromWebview =
  | { type: 'ready' }
  /** The webview reports its selections so the extension can tell tests and restore panels. */
  | { type: 'selections'; selections: PanelSelections }
  /** Export the shown result. The extension picks the folder and the file names, and writes CSV
   *  and JSON from the full result it holds (the webview may hold a thinned copy); only the PNG
   *  of the charts comes from the webview, with the variant it shows. */
  | { type: 'export'; formats: ExportFormat[]; png?: { variant: string; dataUrl: string } }
  /** Rendered: how many charts drew and how long the first full render took, ms. */
  | { type: 'rendered'; charts: number; ms: number }
  | { type: 'error'; message: string };

/** The state the webview keeps with setState: small, so a reload is cheap; the data comes back
 *  from the saved result file. */
export interface WebviewState {
  resultPaths: string[];
  selections: PanelSelections;
  comparison?: { left: string; right: string };
}
