// A pooled simulation worker (bundled to dist/worker.js): runs the variants the pool hands it,
// one at a time, and streams progress and partial results back. The pool cancels by terminating
// the thread, which stops it at once wherever it is.

import { parentPort } from 'node:worker_threads';
import { runOneVariant } from '../core';
import { decimateVariant } from '../protocol/decimate';
import { PARTIAL_EVERY_MS, PROGRESS_EVERY_MS, type FromWorker, type VariantTask } from './protocol';

/** Partials are for the live chart only: a few thousand points per series are plenty. */
const PARTIAL_POINTS = 2000;

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

function post(m: FromWorker): void {
  port!.postMessage(m);
}

port.on('message', (task: VariantTask) => {
  if (task.type !== 'variant') return;
  const { index, count, scenario } = task;
  const partialEvery = task.partialEveryMs ?? PARTIAL_EVERY_MS;
  // The first progress and partial go out at once, so the panel shows the variant as it starts.
  let lastProgress = -Infinity;
  let lastPartial = -Infinity;
  const started = performance.now();
  try {
    const variant = runOneVariant(scenario, index, count, {
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS || p.simulated_ms >= p.duration_ms) {
          lastProgress = now;
          post({ type: 'progress', progress: p });
        }
      },
      onPartial: task.partials ? (v) => {
        const now = performance.now();
        if (now - lastPartial < partialEvery) return;
        lastPartial = now;
        post({ type: 'partial', index, variant: decimateVariant(v, PARTIAL_POINTS) });
      } : undefined,
    });
    post({ type: 'done', index, variant, wallMs: performance.now() - started });
  } catch (e) {
    const err = e as Error;
    post({ type: 'error', index, message: err?.message ?? String(e), stack: err?.stack });
  }
});
