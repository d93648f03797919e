// Messages between the pool (src/runner/pool.ts) and its worker threads (dist/worker.js). Plain
// data: a scenario and a variant's result cross the thread boundary by structured clone.

import type { Progress, VariantResult } from '../core/result';
import type { Scenario } from '../language/model';

/** One variant to run: the `index`th of the `count` the run covers. */
export interface VariantTask {
  type: 'variant';
  index: number;
  count: number;
  scenario: Scenario;
  /** Whether to post partial results (the panel's live chart); the CLI needs none. */
  partials: boolean;
  /** Minimum wall time between two partial results posted to the pool, ms. */
  partialEveryMs?: number;
}

export type FromWorker =
  | { type: 'progress'; progress: Progress }
  | { type: 'partial'; index: number; variant: VariantResult }
  | { type: 'done'; index: number; variant: VariantResult; wallMs: number }
  | { type: 'error'; index: number; message: string; stack?: string };

/** How often a worker posts partial results while a variant runs: the panel's live refresh. */
export const PARTIAL_EVERY_MS = 500;
/** How often progress (simulated time) is posted. */
export const PROGRESS_EVERY_MS = 100;
