// Runs a scenario set's variants (sweep points are variants too) on a pool of worker threads,
// for the CLI and the extension alike. Each thread takes the next variant as it finishes one;
// the results go back in the set's order, so the run is byte-identical whatever the number of
// threads. Cancel terminates every thread at once.

import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { assembleResult, chooseVariants } from '../core';
import { estimateBudget } from '../language/budget';
import type { Progress, RunResult, VariantResult } from '../core/result';
import type { ScenarioSet } from '../language/model';
import type { FromWorker, VariantTask } from './protocol';
import { simulationWorkerOptions, workerDiedMessage, WORKER_HEAP_MB } from './workerLimits';

export interface PoolOptions {
  /** At most this many threads (never more than the variants); default: the machine's cores. */
  jobs?: number;
  /** Run only these variants (by name), in the set's order. */
  variants?: string[];
  /** The worker entry; default: worker.js next to this module (dist/ bundled, out/ under tests). */
  workerPath?: string;
  /** Each thread's heap limit, MB: the same for every thread, so a variant fits or not whatever
   *  the number of threads. */
  heapMb?: number;
  /** A variant's simulated time, and where the whole run stands. */
  onProgress?: (p: Progress, overall: Overall) => void;
  /** A variant's partial result while it runs, then its whole result when it finishes. */
  onPartial?: (v: VariantResult) => void;
  partialEveryMs?: number;
}

export interface Overall {
  /** Variants finished, of `count`. */
  done: number;
  count: number;
  /** Of the whole run, 0 to 1: finished variants and the simulated share of running ones. */
  fraction: number;
  /** The variants running now, in the set's order. */
  running: Progress[];
}

export interface PoolRun {
  /** Resolves with the whole result; rejects with RunCancelled or VariantFailed. */
  result: Promise<RunResult>;
  /** Terminates every thread; resolves once all have exited. */
  cancel(): Promise<void>;
  /** Threads started for this run. */
  readonly threads: number;
  /** Threads not yet exited: 0 once the result has settled. */
  liveThreads(): number;
}

export class RunCancelled extends Error {
  constructor() {
    super('the run was cancelled');
    this.name = 'RunCancelled';
  }
}

/** A variant's simulation failed: its name, and why (`code` is the worker's error code, such as
 *  ERR_WORKER_OUT_OF_MEMORY). */
export class VariantFailed extends Error {
  constructor(readonly variant: string, readonly reason: string, readonly code?: string, readonly detail?: string) {
    super(`variant ${variant}: ${reason}`);
    this.name = 'VariantFailed';
  }
}

/** The default number of threads: the cores this process may use. */
export function defaultJobs(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/** Estimated work (src/language/budget.ts) up to which a one-shot run (the CLI) is quicker on
 *  its main thread than on workers: each worker loads the core and warms its JIT from cold, about
 *  0.1 s of CPU, more than a small run gains from running its variants side by side. Measured on
 *  the examples: zone-reclaim (72 000) takes 0.37 s in process against 0.43-0.45 s on one or two
 *  workers, thp-numa (28 800) 0.78 s against 1.1 s; tiering (192 000) runs seconds per variant,
 *  where threads pay. */
export const MAIN_THREAD_MAX_WORK = 100_000;

/** Whether the chosen variants of `set` are small enough to run on the calling thread. */
export function fitsMainThread(set: ScenarioSet, variants?: string[]): boolean {
  return estimateBudget({ ...set, variants: chooseVariants(set, variants) }).work <= MAIN_THREAD_MAX_WORK;
}

export function runPool(set: ScenarioSet, opts: PoolOptions = {}): PoolRun {
  const chosen = chooseVariants(set, opts.variants);
  const count = chosen.length;
  const heapMb = opts.heapMb ?? WORKER_HEAP_MB;
  const workerPath = opts.workerPath ?? path.join(__dirname, 'worker.js');
  const results: VariantResult[] = new Array(count);
  const running = new Map<number, Progress>();
  const workers: Worker[] = [];
  const exits: Promise<void>[] = [];
  /** The variant each thread runs now. */
  const current = new Map<Worker, number>();
  let next = 0;
  let done = 0;
  let live = 0;
  let settled = false;

  let resolveResult!: (r: RunResult) => void;
  let rejectResult!: (e: Error) => void;
  const result = new Promise<RunResult>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  // A caller that cancels need not await the rejection: it is not an unhandled one.
  result.catch(() => undefined);

  const stopAll = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.terminate()));
    await Promise.all(exits);
  };
  const settle = (outcome: () => void): void => {
    if (settled) return;
    settled = true;
    void stopAll().then(outcome);
  };
  const nameOf = (w: Worker): string => chosen[current.get(w) ?? 0]?.variant ?? '?';
  const overall = (): Overall => {
    const now = [...running.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    const share = now.reduce((s, p) => s + Math.min(1, p.simulated_ms / Math.max(1, p.duration_ms)), 0);
    return { done, count, fraction: count ? (done + share) / count : 1, running: now };
  };
  const give = (w: Worker): void => {
    if (next >= count) {
      current.delete(w);
      void w.terminate();
      return;
    }
    const index = next++;
    current.set(w, index);
    const task: VariantTask = {
      type: 'variant', index, count, scenario: chosen[index],
      partials: opts.onPartial !== undefined, partialEveryMs: opts.partialEveryMs,
    };
    w.postMessage(task);
  };
  const onMessage = (w: Worker, m: FromWorker): void => {
    if (settled) return;
    switch (m.type) {
      case 'progress':
        running.set(m.progress.variantIndex, m.progress);
        opts.onProgress?.(m.progress, overall());
        break;
      case 'partial':
        opts.onPartial?.(m.variant);
        break;
      case 'done':
        results[m.index] = m.variant;
        running.delete(m.index);
        done++;
        opts.onPartial?.(m.variant);
        if (done === count) settle(() => resolveResult(assembleResult(set, chosen, results)));
        else give(w);
        break;
      case 'error':
        settle(() => rejectResult(new VariantFailed(chosen[m.index].variant, m.message, undefined, m.stack)));
        break;
    }
  };

  const threads = Math.min(Math.max(1, Math.floor(opts.jobs ?? defaultJobs())), count);
  for (let i = 0; i < threads && !settled; i++) {
    let w: Worker;
    try {
      w = new Worker(workerPath, simulationWorkerOptions(heapMb));
    } catch (e) {
      // A missing or broken dist/worker.js: the run fails with why, the threads started stop.
      settle(() => rejectResult(new Error(`could not start a simulation worker (${workerPath}): ${(e as Error).message}`)));
      break;
    }
    workers.push(w);
    live++;
    exits.push(new Promise((res) => w.once('exit', () => {
      live--;
      res();
    })));
    w.on('message', (m: FromWorker) => onMessage(w, m));
    w.on('error', (e: Error & { code?: string }) => {
      const variant = nameOf(w);
      settle(() => rejectResult(new VariantFailed(variant, workerDiedMessage(e, heapMb) ?? e.message, e.code, e.stack)));
    });
    w.on('exit', (code) => {
      // A thread retired for want of work (no current variant) exits normally.
      if (settled || !current.has(w)) return;
      const variant = nameOf(w);
      settle(() => rejectResult(new VariantFailed(variant, code !== 0 ? `the simulation worker exited with code ${code}` : 'the simulation worker stopped without a result')));
    });
    give(w);
  }
  if (count === 0) settle(() => resolveResult(assembleResult(set, chosen, results)));

  return {
    result,
    threads,
    liveThreads: () => live,
    cancel: async () => {
      if (!settled) {
        settled = true;
        await stopAll();
        rejectResult(new RunCancelled());
      }
      await Promise.all(exits);
    },
  };
}
