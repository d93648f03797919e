// The simulation worker: runs a ScenarioSet off the extension host's main thread and streams
// progress and partial results back. Bundled to dist/worker.js. The host cancels by terminating
// the thread, which stops it at once wherever it is.

import { parentPort } from 'node:worker_threads';
import { runScenarioSet } from './index';
import type { VariantResult } from './result';
import { PARTIAL_EVERY_MS, PROGRESS_EVERY_MS, type FromWorker, type RunRequest } from '../protocol/worker';
import { decimateVariant } from '../protocol/decimate';

/** Partials are for the live chart only: a few thousand points per series are plenty. */
const PARTIAL_POINTS = 2000;

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

function post(m: FromWorker): void {
  port!.postMessage(m);
}

port.on('message', (req: RunRequest) => {
  if (req.type !== 'run') return;
  const partialEvery = req.partialEveryMs ?? PARTIAL_EVERY_MS;
  let lastProgress = 0;
  let lastPartial = 0;
  let pendingName: string | null = null;
  let progressName: string | null = null;
  let pending: VariantResult | null = null;
  const flush = (): void => {
    if (pending) post({ type: 'partial', variant: decimateVariant(pending, PARTIAL_POINTS) });
    pending = null;
    lastPartial = performance.now();
  };
  const started = performance.now();
  try {
    const result = runScenarioSet(req.set, {
      variants: req.variants,
      onProgress: (p) => {
        const now = performance.now();
        // A variant's first progress goes out at once, with its first partial (below).
        if (now - lastProgress >= PROGRESS_EVERY_MS || p.simulated_ms >= p.duration_ms || p.variant !== progressName) {
          lastProgress = now;
          progressName = p.variant;
          post({ type: 'progress', progress: p });
        }
      },
      onPartial: (v) => {
        // A new variant started: the previous one's latest state goes out at once, so finished
        // variants always reach the panel, and so does the new one's first state, so the panel
        // can show the variant its progress names.
        const starts = pendingName !== v.name;
        if (starts) flush();
        pending = v;
        pendingName = v.name;
        if (starts || performance.now() - lastPartial >= partialEvery) flush();
      },
    });
    post({ type: 'done', result, wallMs: performance.now() - started });
  } catch (e) {
    const err = e as Error;
    post({ type: 'error', message: err?.message ?? String(e), stack: err?.stack, cancelled: err?.name === 'CancelledError' });
  }
});
