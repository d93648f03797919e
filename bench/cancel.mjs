// Cancel latency of a run (numbers, not pass/fail): the time from Worker.terminate() to the worker
// thread's exit, while dist/worker.js is in the middle of a long simulation, as the extension's
// Cancel does it. The extension-host test asserts only a generous bound; this prints the real figure.
// Run after `npm run build && npm run compile-tests`:   node bench/cancel.mjs [--quick]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { compile } = require(path.join(root, 'out/src/language/index.js'));
const reps = process.argv.includes('--quick') ? 2 : 7;

const file = path.join(root, 'test/e2e/fixtures/run-long.numa');
const { set, diagnostics } = compile(readFileSync(file, 'utf8'), file);
if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`${file} has errors`);

/** Starts a run, waits until the worker reports progress plus `afterMs`, terminates it, returns ms. */
async function cancelOnce(afterMs) {
  const worker = new Worker(path.join(root, 'dist/worker.js'));
  await new Promise((resolve, reject) => {
    worker.on('message', (m) => { if (m.type === 'progress') resolve(); if (m.type === 'done') reject(new Error('the run ended before cancel: lengthen the fixture')); });
    worker.on('error', reject);
    worker.postMessage({ type: 'run', set });
  });
  await new Promise((r) => setTimeout(r, afterMs));
  const t0 = performance.now();
  await worker.terminate();
  return performance.now() - t0;
}

const ms = [];
for (let i = 0; i < reps; i++) ms.push(await cancelOnce(200 + 100 * i));
ms.sort((a, b) => a - b);
const median = ms[Math.floor(ms.length / 2)];
console.log(`cancel of a running simulation (${path.relative(root, file)}), ${reps} runs:`);
console.log(`  min ${ms[0].toFixed(1)} ms   median ${median.toFixed(1)} ms   max ${ms[ms.length - 1].toFixed(1)} ms   (goal: median <= 100 ms)`);
