// Cancel latency of a run (numbers, not pass/fail): the time from the pool's cancel() to the exit
// of its last worker thread, while dist/worker.js threads are in the middle of a long simulation,
// as the extension's Cancel and the CLI's Ctrl-C do it. The extension-host test asserts only a generous bound; this prints the real figure.
// Run after `npm run build && npm run compile-tests`:   node bench/cancel.mjs [--quick]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { compile } = require(path.join(root, 'out/src/language/index.js'));
const { runPool, RunCancelled } = require(path.join(root, 'out/src/runner/pool.js'));
const reps = process.argv.includes('--quick') ? 2 : 7;

const file = path.join(root, 'test/e2e/fixtures/run-long.numa');
const { set, diagnostics } = compile(readFileSync(file, 'utf8'), file);
if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`${file} has errors`);

/** Starts a run on two threads, waits until both report progress plus `afterMs`, cancels it,
 *  returns ms. */
async function cancelOnce(afterMs) {
  let started;
  const both = new Promise((resolve) => (started = resolve));
  const run = runPool(set, { jobs: 2, workerPath: path.join(root, 'dist/worker.js'), onProgress: (p, all) => all.running.length >= 2 && started() });
  const ended = run.result.then(() => { throw new Error('the run ended before cancel: lengthen the fixture'); }, (e) => { if (!(e instanceof RunCancelled)) throw e; });
  await Promise.race([both, ended]);
  await new Promise((r) => setTimeout(r, afterMs));
  const t0 = performance.now();
  await run.cancel();
  const ms = performance.now() - t0;
  await ended;
  if (run.liveThreads() !== 0) throw new Error(`${run.liveThreads()} threads left after cancel`);
  return ms;
}

const ms = [];
for (let i = 0; i < reps; i++) ms.push(await cancelOnce(200 + 100 * i));
ms.sort((a, b) => a - b);
const median = ms[Math.floor(ms.length / 2)];
console.log(`cancel of a running simulation (${path.relative(root, file)}), ${reps} runs:`);
console.log(`  min ${ms[0].toFixed(1)} ms   median ${median.toFixed(1)} ms   max ${ms[ms.length - 1].toFixed(1)} ms   (goal: median <= 100 ms)`);
