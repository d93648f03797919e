// A pooled simulation worker's resource limits, and what to say when a run hits them.

import * as os from 'node:os';
import type { WorkerOptions } from 'node:worker_threads';

/** Each worker's heap, MB: a quarter of the machine's memory, from 512 MB to 4 GB. A scenario
 *  past it stops its worker with a message instead of swapping the machine or taking the
 *  extension host down with it. */
export const WORKER_HEAP_MB = Math.min(4096, Math.max(512, Math.floor(os.totalmem() / 4 / 1048576)));

export function simulationWorkerOptions(heapMb = WORKER_HEAP_MB): WorkerOptions {
  return { resourceLimits: { maxOldGenerationSizeMb: heapMb } };
}

/** The message for a worker that died of its memory limit; null for any other error. */
export function workerDiedMessage(e: Error & { code?: string }, heapMb = WORKER_HEAP_MB): string | null {
  if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') return null;
  return `the simulation needed more than its ${heapMb} MB memory limit and was stopped. Fewer samples (a longer sample interval or a shorter duration), fewer variants or fewer workloads make it fit`;
}
