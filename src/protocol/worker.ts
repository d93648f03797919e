// Messages between the extension host and the simulation worker (dist/worker.js). Plain data:
// a ScenarioSet and results cross the thread boundary by structured clone.

import type { Progress, RunResult, VariantResult } from '../core/result';
import type { ScenarioSet } from '../language/model';

export interface RunRequest {
  type: 'run';
  set: ScenarioSet;
  /** Only these variants; all when absent. */
  variants?: string[];
  /** Minimum wall time between two partial results posted to the host, ms. */
  partialEveryMs?: number;
}

export type FromWorker =
  | { type: 'progress'; progress: Progress }
  | { type: 'partial'; variant: VariantResult }
  | { type: 'done'; result: RunResult; wallMs: number }
  | { type: 'error'; message: string; stack?: string; cancelled?: boolean };

/** How often a worker posts partial results while a variant runs: the panel's live refresh. */
export const PARTIAL_EVERY_MS = 500;
/** How often progress (simulated time) is posted. */
export const PROGRESS_EVERY_MS = 100;
